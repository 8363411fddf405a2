/** The two callers every measurement compares. */
export interface BenchCallers {
  master: { user: string; token: string };
  scoped: { user: string; token: string; role: string; scope: string; organization: string };
}

/** Calls the admin API and returns the parsed body; throws naming the call on any other status. */
export async function apiCall(
  httpUrl: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  expect: number,
): Promise<unknown> {
  const response = await fetch(`${httpUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Makes the two callers through the real API with the first admin token (the master user
 * `admin`): a master user (built-in master role and scope), and a user whose only pair is a
 * role with machines.view and a scope holding one organization; each gets its own API token,
 * made by POST /tokens like an administrator would.
 */
export async function createCallers(
  httpUrl: string,
  adminToken: string,
  organization: string,
): Promise<BenchCallers> {
  const call = (method: string, path: string, body: unknown, expect: number) =>
    apiCall(httpUrl, adminToken, method, path, body, expect);
  const role = 'bench-machine-viewer';
  const scope = `bench-only-${organization}`;
  await call('POST', '/roles', { name: role, permissions: ['machines.view'] }, 201);
  await call(
    'POST',
    '/scopes',
    { name: scope, entries: [{ kind: 'organization', id: organization, include: true }] },
    201,
  );
  await call('POST', '/users', { name: 'bench-master', grants: [{ role: 'master', scope: 'master' }] }, 201);
  await call('POST', '/users', { name: 'bench-scoped', grants: [{ role, scope }] }, 201);
  const tokenOf = async (user: string) =>
    ((await call('POST', '/tokens', { name: 'access benchmark', user }, 201)) as { token: string }).token;
  return {
    master: { user: 'bench-master', token: await tokenOf('bench-master') },
    scoped: { user: 'bench-scoped', token: await tokenOf('bench-scoped'), role, scope, organization },
  };
}
