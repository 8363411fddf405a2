import {
  type CheckinControl,
  DEFAULT_AGENT_PORT,
  DEFAULT_CHECKIN_PERIOD_SECONDS,
  hostProblem,
  portProblem,
  type ServerAddress,
  sameServerAddress,
  UNSET_HOST,
} from '@muster/protocol';
import { ErrorCode, MusterError } from '../domain/errors';
import { machineNameFromHost } from '../domain/machine-names';
import { isOnline } from '../domain/machine-status';
import type { InstallTokenStore, MachineReader } from '../store/interfaces';
import type { MachineRecord } from '../store/machine-record';
import type { NotificationService } from './notification.service';
import { hashSecret, newGuid } from './secrets';

/** What a connecting agent has proven and presented. */
export interface AdmissionRequest {
  publicKey: string;
  keyFingerprint: string;
  enrollToken?: string;
  hostName: string;
  hardwareId: string;
  remoteAddress: string;
  /** The addresses the agent was installed with: the first settings of a new account. */
  configured: { primary: ServerAddress; secondary: ServerAddress | null } | null;
}

/** Tells whether this node holds a live session for a machine. */
export type LocalSessionProbe = (machineId: string) => boolean;

/**
 * Decides whether an authenticated agent may check in, and as which machine: enrollment with
 * an install token, recognition of an enrolled key, and the duplicate-account rules.
 */
export class AgentAdmissionService {
  constructor(
    private readonly tokens: InstallTokenStore,
    private readonly machines: MachineReader,
    private readonly notifications: NotificationService,
    private readonly clock: () => number,
  ) {}

  /**
   * Admits an agent; throws MusterError (token-invalid, account-conflict, unknown-agent). Records
   * nothing of the connection: its session does once it holds the machine (the agent may be gone
   * by the time admission answers).
   */
  async admit(request: AdmissionRequest, hasLocalSession: LocalSessionProbe): Promise<MachineRecord> {
    const known = await this.machines.findMachineByKey(request.keyFingerprint);
    const machine = known ?? (await this.enroll(request));
    await this.checkHardware(machine, request, hasLocalSession);
    return machine;
  }

  private async enroll(request: AdmissionRequest): Promise<MachineRecord> {
    if (!request.enrollToken) {
      throw new MusterError(
        ErrorCode.unknownAgent,
        // A close reason holds 123 bytes; the agent spells out the rest (see agent-connection).
        'agent key unknown here: re-enroll with muster agent --token TOKEN --state DIR (makes a new key)',
      );
    }
    const result = await this.tokens.enroll({
      tokenHash: hashSecret(request.enrollToken),
      now: this.clock(),
      hostDerivedName: machineNameFromHost(request.hostName),
      publicKey: request.publicKey,
      keyFingerprint: request.keyFingerprint,
      hardwareId: request.hardwareId,
      hostName: request.hostName,
      guid: newGuid(),
      defaultCheckinControl: initialSettings(request),
    });
    if (result.kind === 'enrolled') return result.machine;
    if (result.kind === 'token-invalid') {
      const why = {
        unknown: 'is not known',
        expired: 'has expired',
        'used-up': 'has no uses left',
        revoked: 'was revoked',
      }[result.reason];
      throw new MusterError(ErrorCode.tokenInvalid, `install token ${why}`, { reason: result.reason });
    }
    const held = result.machine;
    await this.notifications.raise(
      'duplicate-account',
      held.id,
      `Two agents present the machine account ${held.id}: it is held by the agent on host ` +
        `"${held.hostName ?? '?'}" (hardware id ${held.hardwareId ?? '?'}); a second agent on host ` +
        `"${request.hostName}" (hardware id ${request.hardwareId}, from ${request.remoteAddress}) was refused. ` +
        'An install token with a fixed machine name was probably used on two machines: give the second machine its own token.',
      `${held.id}:${request.keyFingerprint}`,
    );
    throw new MusterError(
      ErrorCode.accountConflict,
      `machine account ${held.id} belongs to another agent; use an install token without a fixed name`,
    );
  }

  private async checkHardware(
    machine: MachineRecord,
    request: AdmissionRequest,
    hasLocalSession: LocalSessionProbe,
  ): Promise<void> {
    if (machine.hardwareId === null || machine.hardwareId === request.hardwareId) return;
    const live =
      hasLocalSession(machine.id) ||
      isOnline(machine.connected, machine.lastSeenAt, machine.checkinControl.periodSeconds, this.clock());
    const message =
      `The agent key of ${machine.id} connects from two machines: hardware id ${machine.hardwareId} and ` +
      `${request.hardwareId} (host "${request.hostName}", from ${request.remoteAddress}). ` +
      'The machine was probably cloned with its agent; reinstall the agent on the clone with its own install token.';
    await this.notifications.raise(
      'duplicate-account',
      machine.id,
      message,
      `${machine.id}:${[machine.hardwareId, request.hardwareId].sort().join('/')}`,
    );
    if (live) {
      throw new MusterError(
        ErrorCode.accountConflict,
        `machine account ${machine.id} is in use by another machine (hardware id differs)`,
      );
    }
  }
}

/** An agent-supplied address, if it passes the same rules as an administrator's. */
function acceptable(address: ServerAddress | null | undefined): ServerAddress | null {
  if (!address) return null;
  return hostProblem(address.host) === null && portProblem(address.port) === null ? address : null;
}

function initialSettings(request: AdmissionRequest): CheckinControl {
  const primary = acceptable(request.configured?.primary) ?? { host: UNSET_HOST, port: DEFAULT_AGENT_PORT };
  const secondary = acceptable(request.configured?.secondary);
  return {
    primary,
    // A secondary that is the primary itself adds nothing; it is dropped rather than kept.
    secondary: secondary && !sameServerAddress(primary, secondary) ? secondary : null,
    periodSeconds: DEFAULT_CHECKIN_PERIOD_SECONDS,
    bindToServer: false,
    bandwidthKBps: 0,
  };
}
