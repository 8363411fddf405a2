import { ApiError, api, ok } from '../../api/client';
import type { components } from '../../api/schema';

/** An install token as listed: never the token itself, only its first characters. */
export type InstallToken = components['schemas']['InstallToken'];
/** A new install token: the token is in this answer only. */
export type CreatedInstallToken = components['schemas']['CreatedInstallToken'];

/** What the token form asks for. */
export interface InstallTokenRequest {
  group: string;
  maxUses?: number;
  /** Absent: the server's default lifetime; null: never expires. */
  expiresInSeconds?: number | null;
  machineName?: string;
  temporary?: boolean;
}

/** POST /install-tokens. */
export function createInstallToken(request: InstallTokenRequest): Promise<CreatedInstallToken> {
  return ok(api.POST('/api/v1/install-tokens', { body: request }));
}

/** GET /install-tokens, newest first. */
export async function listInstallTokens(): Promise<InstallToken[]> {
  return (await ok(api.GET('/api/v1/install-tokens'))).items;
}

/** DELETE /install-tokens/{id}: no agent enrolls with it any more. */
export function revokeInstallToken(id: string): Promise<InstallToken> {
  return ok(api.DELETE('/api/v1/install-tokens/{id}', { params: { path: { id } } }));
}

/** The ports agents connect to, from GET /server. */
export async function agentPorts(): Promise<number[]> {
  return (await ok(api.GET('/api/v1/server'))).agentPorts;
}

/** A machine as GET /machines lists it. */
export type GroupMachine = components['schemas']['Machine'];

/** The first 50 machines of a group and its subgroups. */
export async function groupMachines(group: string): Promise<GroupMachine[]> {
  return (await ok(api.GET('/api/v1/machines', { params: { query: { filter: group, limit: 50 } } }))).items;
}

/** A new device enrollment token: the token is in this answer only. */
export type DeviceEnrollmentToken = components['schemas']['CreatedDeviceEnrollmentToken'];

/** POST /device-enrollment-tokens. */
export async function createDeviceToken(
  group: string,
  platform: 'ios' | 'android',
): Promise<DeviceEnrollmentToken> {
  return ok(api.POST('/api/v1/device-enrollment-tokens', { body: { group, platform } }));
}

/** Whether the server serves a token's install script; if not, the server's reason. */
export type InstallScriptCheck = { served: true } | { served: false; reason: string };

/**
 * Asks the server for the install script at `url` (GET /install/<token>, outside the API and
 * without an account, as the managed machine will). A 404 is the server saying it has no agent
 * build to put in a script; an answer that is not a shell script (a proxy's page, an older
 * server answering with the console) is no script either. Other failures are thrown.
 */
export async function checkInstallScript(url: string): Promise<InstallScriptCheck> {
  const response = await fetch(url, { credentials: 'omit', cache: 'no-store' });
  if (response.ok) {
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('text/x-shellscript')) return { served: true };
    return { served: false, reason: `the server answered ${url} with ${type || 'no type'}, not a script` };
  }
  let reason = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    reason = body.error?.message ?? reason;
  } catch {
    // Not the server's JSON error: the status line says enough.
  }
  if (response.status === 404) return { served: false, reason };
  throw new ApiError(response.status, 'http-error', reason);
}
