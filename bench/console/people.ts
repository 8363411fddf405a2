import { SESSION_COOKIE } from '../../packages/server/src/http/authentication';
import { apiCall } from '../access/people';

/** Who asks: a console user with a password, signed in with a session cookie like the browser. */
export interface Caller {
  who: 'master' | 'scoped';
  name: string;
  password: string;
  /** `muster_session=<secret>`, sent as the Cookie header. */
  cookie: string;
}

/** The two console users every measurement runs as. */
export interface Callers {
  master: Caller;
  scoped: Caller & { role: string; scope: string; organization: string };
}

const PASSWORD = 'bench console password 1';

/** Signs in through POST /session and returns the session cookie the browser would keep. */
export async function signIn(httpUrl: string, name: string, password: string): Promise<string> {
  const response = await fetch(`${httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (response.status !== 201)
    throw new Error(`sign-in of ${name}: HTTP ${response.status} ${await response.text()}`);
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    if (pair?.startsWith(`${SESSION_COOKIE}=`)) return pair;
  }
  throw new Error(`sign-in of ${name} set no ${SESSION_COOKIE} cookie`);
}

/**
 * Makes the console's two users through the real API with the first admin token: a master
 * user (built-in master role and scope), and a technician of one organization (a role with
 * what the Machines and Check-In Control pages offer, a scope holding that organization only);
 * each signs in with a password, as in the console.
 */
export async function createCallers(
  httpUrl: string,
  adminToken: string,
  organization: string,
): Promise<Callers> {
  const call = (method: string, path: string, body: unknown, expect: number) =>
    apiCall(httpUrl, adminToken, method, path, body, expect);
  const role = 'bench-technician';
  const scope = `bench-${organization}`;
  await call(
    'POST',
    '/roles',
    {
      name: role,
      permissions: ['machines.view', 'machines.manage', 'checkin-control.edit', 'checkin-policy.edit'],
    },
    201,
  );
  await call(
    'POST',
    '/scopes',
    { name: scope, entries: [{ kind: 'organization', id: organization, include: true }] },
    201,
  );
  await call(
    'POST',
    '/users',
    { name: 'bench-master', password: PASSWORD, grants: [{ role: 'master', scope: 'master' }] },
    201,
  );
  await call('POST', '/users', { name: 'bench-scoped', password: PASSWORD, grants: [{ role, scope }] }, 201);
  return {
    master: {
      who: 'master',
      name: 'bench-master',
      password: PASSWORD,
      cookie: await signIn(httpUrl, 'bench-master', PASSWORD),
    },
    scoped: {
      who: 'scoped',
      name: 'bench-scoped',
      password: PASSWORD,
      cookie: await signIn(httpUrl, 'bench-scoped', PASSWORD),
      role,
      scope,
      organization,
    },
  };
}
