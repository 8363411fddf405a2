import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { ApiClient, ApiError } from '../api-client';
import { loginFile, readStoredLogin, removeStoredLogin, sameApi, writeStoredLogin } from '../login-file';
import { promptHidden, readStdin } from './secret-input';

/** An answer of the API: status and parsed body. */
interface Answer {
  status: number;
  body: { error?: { code?: string; message?: string; details?: Record<string, unknown> } } & Record<
    string,
    unknown
  >;
  cookie: string | null;
}

const TEN_YEARS = 10 * 365 * 86400;
const THIRTY_DAYS = 30 * 86400;

/** One request without a bearer token (sign-in, and the requests made with its session cookie). */
async function call(
  api: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${api.replace(/\/+$/, '')}/api/v1${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(`cannot reach the Muster API at ${api}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = text ? (JSON.parse(text) as Answer['body']) : {};
  } catch {
    parsed = {};
  }
  const session = response.headers
    .getSetCookie()
    .map((c) => /^muster_session=([^;]*)/.exec(c)?.[1])
    .find((v) => v !== undefined && v !== '');
  return { status: response.status, body: parsed, cookie: session ?? null };
}

/** The answer's error as an exception. */
function failed(answer: Answer, doing: string): ApiError {
  const e = answer.body.error;
  return new ApiError(
    answer.status,
    e?.code ?? 'error',
    `${doing}: ${e?.message ?? `HTTP ${answer.status}`}`,
  );
}

/** Asks for a line on the terminal, echoed (the user name). */
function promptLine(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim());
    });
  });
}

/** Parses --totp: the six digits the app shows. */
function totpCode(value: string): string {
  if (!/^\d{6}$/.test(value.trim()))
    throw new InvalidArgumentError('--totp is the 6-digit code of your TOTP app');
  return value.trim();
}

/** Parses --expires-in: seconds or "never". */
function lifetime(value: string): number | null {
  if (value.trim().toLowerCase() === 'never') return null;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n <= 0 || n > TEN_YEARS)
    throw new InvalidArgumentError(
      `--expires-in is a number of seconds above 0 (at most ten years), or "never" (got "${value}")`,
    );
  return n;
}

/** What `muster login` takes. */
interface LoginOptions {
  name?: string;
  passwordStdin?: boolean;
  totp?: string;
  tokenName: string;
  expiresIn: number | null;
}

/**
 * Signs in with a session (POST /session), makes a personal API token with that session's
 * cookie and CSRF token, and signs the session out again: the CLI keeps only the token, which
 * can be listed and revoked like any other, and never the password.
 */
async function login(api: string, opts: LoginOptions): Promise<void> {
  const tty = process.stdin.isTTY === true;
  if (opts.passwordStdin && !opts.name)
    throw new Error('--password-stdin needs --name (standard input holds the password)');
  if (!opts.passwordStdin && !tty)
    throw new Error('no terminal to ask the password on: pass --name and --password-stdin');
  const name = opts.name ?? (await promptLine('User name: '));
  if (!name) throw new Error('no user name given');
  const password = opts.passwordStdin ? await readStdin() : await promptHidden('Password: ');
  if (!password) throw new Error('the password is empty');

  const signIn = (totpCode?: string) =>
    call(api, 'POST', '/session', {}, { name, password, ...(totpCode ? { totpCode } : {}) });
  let answer = await signIn(opts.totp);
  if (answer.status === 401 && answer.body.error?.details?.totpRequired === true) {
    if (!tty)
      throw new Error(`${name} signs in with a TOTP code: pass --totp CODE (the 6 digits your app shows)`);
    answer = await signIn(totpCode(await promptHidden('TOTP code: ')));
  }
  if (answer.status !== 201 || !answer.cookie) throw failed(answer, 'sign-in failed');
  const csrf = String(answer.body.csrfToken ?? '');
  const user = (answer.body.user as { name?: string } | undefined)?.name ?? name;
  const session = { cookie: `muster_session=${answer.cookie}`, 'x-csrf-token': csrf };

  let made: Answer;
  try {
    made = await call(api, 'POST', '/tokens', session, {
      name: opts.tokenName,
      expiresInSeconds: opts.expiresIn,
    });
  } finally {
    // The session was only the way to the token: end it whatever happened.
    await call(api, 'DELETE', '/session', session).catch(() => undefined);
  }
  if (made.status !== 201) throw failed(made, 'signed in, but no API token could be made');
  const { token, record } = made.body as unknown as {
    token: string;
    record: { id: string; expiresAt: string | null };
  };

  const file = loginFile();
  const previous = readStoredLogin(file);
  writeStoredLogin({ api, user, tokenId: record.id, token }, file);
  // A login replaced on the same server leaves no forgotten token behind.
  if (previous && sameApi(previous.api, api) && previous.tokenId !== record.id)
    await new ApiClient({ api, token: previous.token, tokenFile: '' })
      .request('DELETE', `/tokens/${encodeURIComponent(previous.tokenId)}`)
      .catch(() => undefined);
  console.log(
    `signed in to ${api} as ${user}; API token ${record.id} (${record.expiresAt ? `expires ${record.expiresAt}` : 'never expires'}) stored in ${file}`,
  );
}

/** Revokes the stored login's token and removes the file. */
async function logout(): Promise<void> {
  const file = loginFile();
  const stored = readStoredLogin(file);
  if (!stored) {
    console.log(`not signed in (no login in ${file})`);
    return;
  }
  try {
    await new ApiClient({ api: stored.api, token: stored.token, tokenFile: '' }).request(
      'DELETE',
      `/tokens/${encodeURIComponent(stored.tokenId)}`,
    );
  } catch (error) {
    // Revoked, expired, or its user gone or disabled: it works nowhere any more; forget it.
    if (!(error instanceof ApiError && (error.status === 401 || error.status === 404)))
      throw new Error(
        `${(error as Error).message}; the token still works and is still stored in ${file}: run muster logout again, or revoke token ${stored.tokenId} with muster token revoke`,
      );
  }
  removeStoredLogin(file);
  console.log(
    `signed out of ${stored.api} (${stored.user}): token ${stored.tokenId} revoked, ${file} removed`,
  );
}

/** `muster login`: sign in once and store a personal API token for later CLI calls. */
export function loginCommand(): Command {
  return new Command('login')
    .description(
      'Sign in as a user (name, password and, when enrolled, a TOTP code; asked on the terminal unless given) ' +
        'and store a personal API token for later commands in $XDG_CONFIG_HOME/muster/token (or ~/.config/muster/token), ' +
        'mode 0600. Later commands use it for the same --api when no --api-token, MUSTER_TOKEN, --token-file or ' +
        'MUSTER_TOKEN_FILE is given, before the default ./muster-data/admin-token',
    )
    .option('--name <user>', 'the user name (otherwise asked)')
    .option('--password-stdin', 'read the password from standard input (needs --name)')
    .option('--totp <code>', 'the 6-digit code of your TOTP app (otherwise asked when needed)', totpCode)
    .option('--token-name <label>', 'the label of the token in token lists', `cli on ${hostname()}`)
    .option(
      '--expires-in <seconds|never>',
      'the token stops working after this (default: 30 days)',
      lifetime,
      THIRTY_DAYS,
    )
    .action(async function (this: Command, opts: LoginOptions) {
      await login((this.optsWithGlobals() as { api: string }).api, opts);
    });
}

/** `muster logout`: revoke the stored token and remove it. */
export function logoutCommand(): Command {
  return new Command('logout')
    .description(
      'Revoke the API token stored by muster login (it stops working on every server node within a second) and remove it',
    )
    .action(logout);
}
