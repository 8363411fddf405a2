import { api, ok } from '../../api/client';
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
