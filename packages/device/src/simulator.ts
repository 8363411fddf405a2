import { join } from 'node:path';
import type { DevicePlatform } from '@muster/protocol';
import { DeviceClient } from './device-client';
import type { DeviceClientEvent } from './device-client-events';
import { DeviceStateFile } from './device-state';
import {
  SimulatedPhone,
  type SimulatedPushOptions,
  simulatedHardware,
  simulatedPushChannel,
} from './simulated-phone';
import type { ServerTrust } from './tls-trust';
import { WakeListener, type WakeSource } from './wake-listener';

/** Platforms of a simulated fleet; "mixed" alternates iOS and Android. */
export type SimulatorPlatform = DevicePlatform | 'mixed';

/** How to run a simulated fleet. */
export interface SimulatorOptions extends ServerTrust {
  /** Device API base URL, e.g. `https://127.0.0.1:5723`. */
  server: string;
  /** Enrollment token; needed only for devices not enrolled yet. */
  token?: string;
  count: number;
  platform?: SimulatorPlatform;
  /** Devices are named `<prefix>-<n>`; default "sim". */
  namePrefix?: string;
  /** Parent directory: each device keeps its key and state in `<stateDir>/<name>`. */
  stateDir: string;
  timeoutMs?: number;
  /** When true the phones take a position fix every `locationEveryMinutes`; kept only while the server's tracking is on. */
  tracking?: boolean;
  /** Simulated minutes between position fixes; default 15. */
  locationEveryMinutes?: number;
  /** Compresses time: 720 makes a 12-hour interval one minute. Default 1. */
  timeScale?: number;
  /** Port of the wake listener on 127.0.0.1 (0 picks one); no listener when unset. */
  wakePort?: number;
  /** Shared secret of the server's webhook wakes; unsigned wakes are refused when set. */
  webhookSecret?: string;
  /** Phone numbers for the SMS channel, e.g. `+1555000000N`. */
  phoneNumberPattern?: string;
  /** Hex prefix of APNs tokens for iOS devices. */
  apnsTokenPrefix?: string;
  /** Enrollments in flight at once; default 16. */
  enrollConcurrency?: number;
  onEvent?: (event: SimulatorEvent) => void;
}

/** Everything a simulator reports: its devices' events, tagged with the device name, and its own. */
export type SimulatorEvent =
  | (DeviceClientEvent & { name: string })
  | { type: 'wake'; name: string; deviceId: string; source: WakeSource }
  | { type: 'wake-refused'; reason: string; status: number }
  | { type: 'wake-listening'; url: string };

/** One simulated phone. */
export interface SimulatedDevice {
  index: number;
  name: string;
  platform: DevicePlatform;
  stateDir: string;
  client: DeviceClient;
  /** Its simulated position and battery. */
  phone: SimulatedPhone;
}

/**
 * A fleet of simulated phones, each a real DeviceClient with its own key and state directory,
 * so a server can be exercised exactly as real devices would: enrollment, signed check-ins on
 * the server's interval, commands, results, and wakes through the push stand-in.
 */
export class DeviceSimulator {
  private readonly fleet: SimulatedDevice[] = [];
  private readonly byId = new Map<string, SimulatedDevice>();
  private readonly locationTimers: NodeJS.Timeout[] = [];
  private listener: WakeListener | null = null;

  /** Checks the options; nothing runs until `open` or `start`. */
  constructor(private readonly options: SimulatorOptions) {
    if (!Number.isInteger(options.count) || options.count < 1)
      throw new Error('device count must be a positive integer');
    if (options.timeScale !== undefined && !(options.timeScale > 0))
      throw new Error('time scale must be positive');
  }

  /** The simulated devices, in number order. */
  get devices(): readonly SimulatedDevice[] {
    return this.fleet;
  }

  /** Base URL of the wake listener, when one runs. */
  get wakeUrl(): string | null {
    return this.listener?.url ?? null;
  }

  /** Opens the wake listener and every device, enrolling those that are not enrolled yet. */
  async open(): Promise<void> {
    const o = this.options;
    if (o.wakePort !== undefined) {
      this.listener = await WakeListener.start({
        port: o.wakePort,
        ...(o.webhookSecret === undefined ? {} : { webhookSecret: o.webhookSecret }),
        onWake: (deviceId, source) => this.wake(deviceId, source),
        onReject: (reason, status) => this.emit({ type: 'wake-refused', reason, status }),
      });
      this.emit({ type: 'wake-listening', url: this.listener.url });
    }
    for (let index = 1; index <= o.count; index++) this.fleet.push(this.makeDevice(index));
    await this.enrollAll();
    for (const device of this.fleet) {
      const id = device.client.deviceId;
      if (id !== null) this.byId.set(id, device);
    }
  }

  /** Opens the fleet and starts every device's check-in schedule (and position fixes with `tracking`). */
  async start(): Promise<void> {
    if (this.fleet.length === 0) await this.open();
    for (const device of this.fleet) device.client.start();
    if (this.options.tracking) this.startPositionFixes();
  }

  /** One check-in per device, all at once; resolves when all are done (failures are events). */
  async checkInAll(): Promise<void> {
    await Promise.all(this.fleet.map((device) => device.client.wake()));
  }

  /** Makes a device check in now, as if its user tapped the push notification; false for an unknown id. */
  wake(deviceId: string, source: WakeSource = 'tap'): boolean {
    const device = this.byId.get(deviceId);
    if (!device) return false;
    this.emit({ type: 'wake', name: device.name, deviceId, source });
    void device.client.wake();
    return true;
  }

  /** Stops schedules, the wake listener and position fixes; waits for check-ins in flight. */
  async stop(): Promise<void> {
    for (const timer of this.locationTimers) clearInterval(timer);
    this.locationTimers.length = 0;
    await this.listener?.close();
    this.listener = null;
    await Promise.all(this.fleet.map((device) => device.client.stop()));
  }

  private makeDevice(index: number): SimulatedDevice {
    const o = this.options;
    const name = `${o.namePrefix ?? 'sim'}-${index}`;
    const stateDir = join(o.stateDir, name);
    // A device enrolled in an earlier run keeps its platform whatever this run asks for.
    const platform: DevicePlatform =
      new DeviceStateFile(stateDir).value.platform ??
      (o.platform === 'ios' || o.platform === 'android' ? o.platform : index % 2 === 1 ? 'ios' : 'android');
    const phone = new SimulatedPhone(index);
    const push = this.pushOptions();
    // Fails early on a bad prefix or pattern rather than at the first check-in.
    simulatedPushChannel(platform, index, push, null);
    const client: DeviceClient = new DeviceClient({
      server: o.server,
      stateDir,
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      ...(o.pinSha256 === undefined ? {} : { pinSha256: o.pinSha256 }),
      ...(o.serverName === undefined ? {} : { serverName: o.serverName }),
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
      ...(o.timeScale === undefined ? {} : { timeScale: o.timeScale }),
      info: () => {
        const pushChannel = simulatedPushChannel(platform, index, push, client.deviceId);
        return {
          ...simulatedHardware(platform, index),
          batteryPercent: phone.batteryPercent(),
          ...(pushChannel === undefined ? {} : { pushChannel }),
        };
      },
      currentLocation: async () => phone.locate(),
      onEvent: (event) => this.emit({ ...event, name }),
    });
    return { index, name, platform, stateDir, client, phone };
  }

  private async enrollAll(): Promise<void> {
    const waiting = this.fleet.filter((device) => device.client.deviceId === null);
    if (waiting.length > 0 && !this.options.token) {
      throw new Error(`${waiting.length} device(s) are not enrolled yet and no enrollment token was given`);
    }
    const token = this.options.token ?? '';
    const push = this.pushOptions();
    const next = waiting[Symbol.iterator]();
    const worker = async () => {
      for (let step = next.next(); !step.done; step = next.next()) {
        const device = step.value;
        const pushChannel = simulatedPushChannel(device.platform, device.index, push, null);
        try {
          await device.client.enroll(token, device.name, device.platform, {
            ...simulatedHardware(device.platform, device.index),
            ...(pushChannel === undefined ? {} : { pushChannel }),
          });
        } catch (error) {
          throw new Error(`enrolling ${device.name} failed: ${(error as Error).message}`);
        }
      }
    };
    const workers = Math.max(1, Math.min(this.options.enrollConcurrency ?? 16, waiting.length));
    await Promise.all(Array.from({ length: workers }, worker));
  }

  private startPositionFixes(): void {
    const scale = this.options.timeScale ?? 1;
    const every = Math.max(10, ((this.options.locationEveryMinutes ?? 15) * 60_000) / scale);
    for (const device of this.fleet) {
      this.locationTimers.push(setInterval(() => device.client.recordLocation(device.phone.locate()), every));
    }
  }

  private pushOptions(): SimulatedPushOptions {
    const o = this.options;
    return {
      ...(o.apnsTokenPrefix === undefined ? {} : { apnsTokenPrefix: o.apnsTokenPrefix }),
      ...(o.phoneNumberPattern === undefined ? {} : { phoneNumberPattern: o.phoneNumberPattern }),
      ...(this.listener === null ? {} : { wakeUrl: this.listener.url }),
    };
  }

  private emit(event: SimulatorEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A logging callback must not stop the fleet.
    }
  }
}
