import {
  DEVICE_CLOCK_SKEW_MS,
  DEVICE_COMMAND_TYPES,
  type DeviceCheckinRequest,
  type DeviceCheckinResponse,
  type DeviceEnrollRequest,
  type DeviceEnrollResponse,
  type DeviceResult,
  IOS_PUSH_COMMAND_TYPES,
} from '@muster/protocol';
import { EVERYTHING } from '../access/scope';
import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import { parseGroupId, parseMachineName } from '../domain/machine-names';
import type { CommandQueueService, DeviceTargetResolver } from '../services/command-queue.service';
import { hashSecret, newGuid, newId, newSecretToken } from '../services/secrets';
import type { CommandRecord } from '../store/command-record';
import type { DeviceRecord, StoredLocation } from '../store/device-record';
import type { DeviceStore, GroupRegistry, MachineScope } from '../store/interfaces';
import { effectiveDeviceSettings } from './device-settings';
import type { DeviceWakeService } from './device-wake.service';

/** The oldest location point a check-in may carry (older ones are refused, not silently dropped). */
const MAX_LOCATION_AGE_MS = 31 * 86400_000;

/**
 * Mobile devices: enrollment, check-ins (which hand over the whole queue), results, tracking
 * data, and the wake-up that queueing a push-capable command sends to an iOS device.
 */
export class DeviceService implements DeviceTargetResolver {
  private queue: CommandQueueService | null = null;

  constructor(
    private readonly store: DeviceStore,
    private readonly groups: GroupRegistry,
    private readonly wakes: DeviceWakeService,
    private readonly serverId: () => string,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The queue is built with this service as its device resolver, so it is attached after. */
  attachQueue(queue: CommandQueueService): void {
    this.queue = queue;
  }

  private get commands(): CommandQueueService {
    if (!this.queue) throw new Error('device service used before the queue was attached');
    return this.queue;
  }

  async createEnrollmentToken(request: {
    group: string;
    platform: 'ios' | 'android';
    expiresInSeconds?: number;
  }) {
    const group = parseGroupId(request.group);
    const now = this.clock();
    await this.groups.ensureGroup(group, now);
    const token = newSecretToken('mdt');
    const expiresAt = request.expiresInSeconds ? now + request.expiresInSeconds * 1000 : null;
    await this.store.createEnrollmentToken({
      id: newId(),
      tokenHash: hashSecret(token),
      groupId: group,
      platform: request.platform,
      expiresAt,
      createdAt: now,
    });
    return {
      token,
      group,
      platform: request.platform,
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    };
  }

  async enroll(request: DeviceEnrollRequest): Promise<DeviceEnrollResponse> {
    const name = parseMachineName(request.name);
    const result = await this.store.enrollDevice({
      tokenHash: hashSecret(request.token),
      now: this.clock(),
      name,
      platform: request.platform,
      publicKey: request.publicKey,
      guid: newGuid(),
      model: request.info.model ?? null,
      osVersion: request.info.osVersion ?? null,
      batteryPercent: request.info.batteryPercent ?? null,
      pushChannel: request.info.pushChannel ?? null,
    });
    if (result.kind === 'token-invalid') {
      const why = {
        unknown: 'is not known',
        expired: 'has expired',
        'wrong-platform': `is not for ${request.platform} devices`,
      }[result.reason];
      throw new MusterError(ErrorCode.tokenInvalid, `device enrollment token ${why}`);
    }
    const settings = await effectiveDeviceSettings(this.store, result.device);
    return {
      deviceId: result.device.id,
      guid: result.device.guid,
      group: result.device.groupId,
      ...settings,
      serverId: this.serverId(),
    };
  }

  /** A check-in: device facts and tracking data in, every queued command out. */
  async checkin(device: DeviceRecord, request: DeviceCheckinRequest): Promise<DeviceCheckinResponse> {
    const now = this.clock();
    const settings = await effectiveDeviceSettings(this.store, device);
    const points = validLocations(request, now);
    if (settings.tracking && points.length > 0) await this.store.addLocations(device.id, points, now);
    await this.store.recordDeviceCheckin(device.id, now, request.info);
    await this.store.markWakesAnswered(device.id, now);
    const claimed = await this.commands.claim('device', device.id, 1000);
    return {
      commands: claimed.map((c) => ({ id: c.id, type: c.type, params: c.params })),
      ...settings,
      nextCheckinBy: new Date(now + settings.checkinIntervalMinutes * 60_000).toISOString(),
      locationsStored: settings.tracking ? points.length : 0,
    };
  }

  /**
   * Results of a device: all are checked first (each must be a processing command of this
   * device), then stored; one bad result refuses the whole report and stores nothing.
   */
  async results(device: DeviceRecord, results: readonly DeviceResult[]): Promise<{ accepted: number }> {
    for (const r of results) {
      const { command } = await this.commands.get(r.id, EVERYTHING).catch(() => ({ command: null }));
      if (!command) throw notFound(`no command "${r.id}"; nothing was stored`);
      if (command.targetKind !== 'device' || command.targetId !== device.id) {
        throw new MusterError(
          ErrorCode.forbidden,
          `command ${r.id} belongs to another endpoint; nothing was stored`,
        );
      }
      if (command.status !== 'processing') {
        throw new MusterError(
          ErrorCode.invalidState,
          `command ${r.id} is ${command.status}, not processing; nothing was stored`,
        );
      }
    }
    for (const r of results) {
      if (r.status === 'not-now')
        await this.commands.release('device', device.id, r.id, 'device answered not now');
      else {
        await this.commands.finish('device', device.id, r.id, {
          status: r.status,
          exitCode: null,
          output: r.output ?? null,
          error: r.error ?? null,
        });
      }
    }
    return { accepted: results.length };
  }

  // DeviceTargetResolver

  groupsOf(ids: readonly string[], scope?: MachineScope): Promise<Map<string, string>> {
    return this.store.deviceGroups(ids, scope);
  }

  validate(type: string, params: Record<string, unknown>): void {
    if (!(DEVICE_COMMAND_TYPES as readonly string[]).includes(type)) {
      throw invalidInput(
        `unknown command type "${type}" for devices; known: ${DEVICE_COMMAND_TYPES.join(', ')}`,
      );
    }
    if (JSON.stringify(params).length > 16 * 1024)
      throw invalidInput('device command params are larger than 16 KiB');
    if (type === 'message' && typeof params.text !== 'string')
      throw invalidInput('message needs params.text');
  }

  /**
   * iOS devices support push: a push-capable command wakes them at once. The targets are read
   * in chunks, only the iOS ones with a push channel: one query per device made a queue of
   * 100,000 Android devices take seconds for nothing (bench/results/scale-20000.md).
   */
  async queued(commands: readonly CommandRecord[]): Promise<void> {
    if (!IOS_PUSH_COMMAND_TYPES.includes(commands[0]?.type ?? '')) return;
    const pushable = await this.store.pushableDevices(
      commands.map((c) => c.targetId),
      'ios',
    );
    for (const device of pushable) {
      if (device.pushChannel) await this.wakes.wake(device, device.pushChannel).catch(this.onError);
    }
  }
}

function validLocations(request: DeviceCheckinRequest, now: number): StoredLocation[] {
  return request.locations.map((p, i) => {
    const at = Date.parse(p.at);
    if (Number.isNaN(at)) throw invalidInput(`locations[${i}].at is not a time`);
    if (at > now + DEVICE_CLOCK_SKEW_MS)
      throw invalidInput(`locations[${i}].at is in the future; nothing was stored`);
    if (at < now - MAX_LOCATION_AGE_MS)
      throw invalidInput(`locations[${i}].at is older than 31 days; nothing was stored`);
    return { at, lat: p.lat, lon: p.lon, accuracyMeters: p.accuracyMeters ?? null };
  });
}
