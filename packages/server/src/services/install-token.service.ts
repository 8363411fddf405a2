import { DEFAULT_AGENT_PORT, DEFAULT_CHECKIN_PERIOD_SECONDS } from '@muster/protocol';
import { invalidInput, MusterError } from '../domain/errors';
import { parseGroupId, parseMachineName } from '../domain/machine-names';
import type { GroupRegistry, InstallTokenStore, MachineWriter } from '../store/interfaces';
import { hashSecret, newGuid, newId, newSecretToken } from './secrets';

/** What an administrator asks for when making an install token. */
export interface InstallTokenRequest {
  group: string;
  maxUses?: number;
  expiresInSeconds?: number;
  machineName?: string;
  temporary?: boolean;
}

/** A created install token: the secret is returned once and stored only as a hash. */
export interface CreatedInstallToken {
  token: string;
  id: string;
  group: string;
  machineId: string | null;
  expiresAt: number | null;
  maxUses: number | null;
}

/** Creates install tokens; a fixed machine name pre-creates that (never checked in) account. */
export class InstallTokenService {
  constructor(
    private readonly groups: GroupRegistry,
    private readonly tokens: InstallTokenStore,
    private readonly machines: MachineWriter,
    private readonly clock: () => number,
  ) {}

  async create(request: InstallTokenRequest): Promise<CreatedInstallToken> {
    const group = parseGroupId(request.group);
    const machineName = request.machineName === undefined ? null : parseMachineName(request.machineName);
    if (request.maxUses !== undefined && request.maxUses < 1)
      throw invalidInput('maxUses must be at least 1');
    const now = this.clock();
    const expiresAt = request.expiresInSeconds === undefined ? null : now + request.expiresInSeconds * 1000;
    await this.groups.ensureGroup(group, now);
    let machineId: string | null = null;
    if (machineName !== null) {
      machineId = `${machineName}.${group}`;
      // The account exists from now on, shown as never checked in until its agent arrives.
      // An existing account keeps its agent: the token then serves re-installs of it.
      await this.machines.createMachineAccount({
        id: machineId,
        guid: newGuid(),
        name: machineName,
        groupId: group,
        temporary: request.temporary ?? false,
        checkinControl: {
          primary: { host: 'unset.invalid', port: DEFAULT_AGENT_PORT },
          secondary: null,
          periodSeconds: DEFAULT_CHECKIN_PERIOD_SECONDS,
          bindToServer: false,
          bandwidthKBps: 0,
        },
        createdAt: now,
      });
    }
    const token = newSecretToken('mit');
    const id = newId();
    try {
      await this.tokens.createInstallToken({
        id,
        tokenHash: hashSecret(token),
        groupId: group,
        machineName,
        maxUses: request.maxUses ?? null,
        expiresAt,
        temporary: request.temporary ?? false,
        createdAt: now,
      });
    } catch (error) {
      throw new MusterError('internal', `could not store the install token: ${String(error)}`);
    }
    return { token, id, group, machineId, expiresAt, maxUses: request.maxUses ?? null };
  }
}
