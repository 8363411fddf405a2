import { DEFAULT_AGENT_PORT, DEFAULT_CHECKIN_PERIOD_SECONDS } from '@muster/protocol';
import { EVERYTHING, filterContains, type ScopeFilter } from '../access/scope';
import { invalidInput, MusterError, notFound } from '../domain/errors';
import { parseGroupId, parseMachineName } from '../domain/machine-names';
import type {
  GroupRegistry,
  InstallTokenRecord,
  InstallTokenStore,
  MachineWriter,
} from '../store/interfaces';
import { hashSecret, newGuid, newId, newSecretToken } from './secrets';

/** What an administrator asks for when making an install token. */
export interface InstallTokenRequest {
  group: string;
  maxUses?: number;
  /** Lifetime in seconds; absent: the server's default; 0 or null: the token never expires. */
  expiresInSeconds?: number | null;
  machineName?: string;
  temporary?: boolean;
}

/** Whether a listed install token can still enroll, and if not, why. */
export type InstallTokenState = 'active' | 'revoked' | 'expired' | 'used-up';

/** An install token as listed: never the secret, only what identifies and limits it. */
export interface InstallTokenInfo extends InstallTokenRecord {
  state: InstallTokenState;
}

/**
 * How much of a new token is kept in the clear for lists: its type prefix and 8 of its 43
 * random characters (48 of 256 bits), enough to tell tokens apart, far from enough to use one.
 */
const SHOWN_PREFIX_LENGTH = 'mit_'.length + 8;

/** A created install token: the secret is returned once and stored only as a hash. */
export interface CreatedInstallToken {
  token: string;
  id: string;
  group: string;
  machineId: string | null;
  expiresAt: number | null;
  maxUses: number | null;
}

/**
 * Creates, lists and revokes install tokens; a fixed machine name pre-creates that (never
 * checked in) account.
 */
export class InstallTokenService {
  /**
   * @param defaultExpiresInSeconds lifetime of a token whose request names none; null: such
   *   tokens never expire.
   */
  constructor(
    private readonly groups: GroupRegistry,
    private readonly tokens: InstallTokenStore,
    private readonly machines: MachineWriter,
    private readonly clock: () => number,
    private readonly defaultExpiresInSeconds: number | null,
  ) {}

  /**
   * Creates a token for a group in scope (omitted: everything); a group out of scope answers as
   * unknown, and so does a fixed machine name out of scope.
   */
  async create(request: InstallTokenRequest, scope: ScopeFilter = EVERYTHING): Promise<CreatedInstallToken> {
    const group = parseGroupId(request.group);
    const machineName = request.machineName === undefined ? null : parseMachineName(request.machineName);
    const named = machineName === null ? null : `${machineName}.${group}`;
    if (!filterContains(scope, group, named)) throw notFound(`no machine group "${group}"`);
    if (request.maxUses !== undefined && request.maxUses < 1)
      throw invalidInput('maxUses must be at least 1');
    const lifetime =
      request.expiresInSeconds === undefined ? this.defaultExpiresInSeconds : request.expiresInSeconds;
    if (lifetime !== null && !(Number.isInteger(lifetime) && lifetime >= 0))
      throw invalidInput('expiresInSeconds must be a whole number of seconds, or 0 or null for never');
    const now = this.clock();
    // 0 means never, as the server setting does: a token that expires at once serves nobody.
    const expiresAt = lifetime === null || lifetime === 0 ? null : now + lifetime * 1000;
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
        tokenPrefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      });
    } catch (error) {
      throw new MusterError('internal', `could not store the install token: ${String(error)}`);
    }
    return { token, id, group, machineId, expiresAt, maxUses: request.maxUses ?? null };
  }

  /** Every install token, newest first, with whether it can still enroll. */
  /** Tokens of groups in scope, newest first. */
  async list(scope: ScopeFilter): Promise<InstallTokenInfo[]> {
    const now = this.clock();
    return (await this.tokens.listInstallTokens(scope)).map((t) => ({ ...t, state: tokenState(t, now) }));
  }

  /** Revokes a token so no agent enrolls with it from now on; agents it enrolled stay. */
  async revoke(id: string, scope: ScopeFilter): Promise<InstallTokenInfo> {
    // Looked up in scope first: a token of a group out of scope is unknown and stays as it is.
    if (!(await this.tokens.getInstallToken(id, scope))) throw notFound(`no install token "${id}"`);
    const now = this.clock();
    const revoked = await this.tokens.revokeInstallToken(id, now);
    if (!revoked) throw notFound(`no install token "${id}"`);
    return { ...revoked, state: tokenState(revoked, now) };
  }
}

/** The first reason a token cannot enroll, in the order enrollment checks them. */
function tokenState(t: InstallTokenRecord, now: number): InstallTokenState {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt <= now) return 'expired';
  if (t.maxUses !== null && t.uses >= t.maxUses) return 'used-up';
  return 'active';
}
