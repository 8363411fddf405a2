import type { DeviceInfo, DevicePlatform, PushChannel } from '@muster/protocol';
import type { LocationInput } from './location-buffer';

/** How simulated phones can be woken; each device picks the channel its platform would use. */
export interface SimulatedPushOptions {
  /** Hex prefix of made-up APNs tokens (iOS). */
  apnsTokenPrefix?: string;
  /** Phone numbers, e.g. `+1555000000N`: the run of N becomes the device number. */
  phoneNumberPattern?: string;
  /** Base URL of the simulator's wake listener, for the webhook channel. */
  wakeUrl?: string;
}

const PHONE_NUMBER = /^\+?[0-9]{5,15}$/;
const APNS_TOKEN = /^[0-9a-fA-F]{16,200}$/;

/** The APNs token of device `index`: the prefix, then the number in hex, 64 hex digits at least. */
export function simulatedApnsToken(prefix: string, index: number): string {
  if (!/^[0-9a-fA-F]*$/.test(prefix)) throw new Error(`APNs token prefix must be hex, got ${prefix}`);
  const width = Math.max(8, 64 - prefix.length);
  const token = prefix + index.toString(16).padStart(width, '0');
  if (!APNS_TOKEN.test(token)) throw new Error(`APNs token prefix too long (${prefix.length} hex digits)`);
  return token.toLowerCase();
}

/** The phone number of device `index`: the pattern's run of N replaced by the number, or the number appended. */
export function simulatedPhoneNumber(pattern: string, index: number): string {
  const number = /N+/.test(pattern)
    ? pattern.replace(/N+/, (run) => String(index).padStart(run.length, '0'))
    : `${pattern}${index}`;
  if (!PHONE_NUMBER.test(number)) throw new Error(`phone number pattern gives an invalid number: ${number}`);
  return number;
}

/**
 * The push channel a simulated phone registers. iOS prefers APNs and Android SMS (there is no
 * FCM channel); both fall back to SMS, then to the webhook that stands in for a tap.
 * `deviceId` is unknown before enrollment, so the webhook URL then leaves the id to the body.
 */
export function simulatedPushChannel(
  platform: DevicePlatform,
  index: number,
  options: SimulatedPushOptions,
  deviceId: string | null,
): PushChannel | undefined {
  if (platform === 'ios' && options.apnsTokenPrefix !== undefined)
    return { kind: 'apns', token: simulatedApnsToken(options.apnsTokenPrefix, index) };
  if (options.phoneNumberPattern !== undefined)
    return { kind: 'sms', phoneNumber: simulatedPhoneNumber(options.phoneNumberPattern, index) };
  if (options.wakeUrl !== undefined)
    return {
      kind: 'webhook',
      url:
        deviceId === null
          ? `${options.wakeUrl}/wake`
          : `${options.wakeUrl}/wake/${encodeURIComponent(deviceId)}`,
    };
  return undefined;
}

/** Model and OS facts of a simulated phone, varied by index so a fleet does not look cloned. */
export function simulatedHardware(
  platform: DevicePlatform,
  index: number,
): Pick<DeviceInfo, 'model' | 'osVersion'> {
  if (platform === 'ios') {
    const models = ['iPhone15,2', 'iPhone15,4', 'iPhone16,1', 'iPhone17,3'];
    return { model: models[index % models.length] ?? 'iPhone', osVersion: `18.${index % 6}` };
  }
  const models = ['Pixel 8', 'Pixel 9', 'SM-S921B', 'SM-A556B'];
  return { model: models[index % models.length] ?? 'Android', osVersion: `${14 + (index % 2)}` };
}

/** A small deterministic PRNG (mulberry32), so device N moves the same way on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cities the simulated phones start in. */
const START_POINTS: ReadonlyArray<readonly [number, number]> = [
  [52.52, 13.405],
  [48.8566, 2.3522],
  [40.7128, -74.006],
  [35.6762, 139.6503],
  [-33.8688, 151.2093],
];

/**
 * A simulated phone's position and battery: a random walk of up to ~100 m per step from a
 * city, and a battery that drains by one percent per reading and recharges when low.
 */
export class SimulatedPhone {
  private lat: number;
  private lon: number;
  private battery: number;
  private readonly random: () => number;

  /** Starts device `index` in one of a few cities. */
  constructor(index: number) {
    this.random = seeded(index * 7919 + 17);
    const [lat, lon] = START_POINTS[index % START_POINTS.length] ?? [0, 0];
    this.lat = lat + (this.random() - 0.5) * 0.05;
    this.lon = lon + (this.random() - 0.5) * 0.05;
    this.battery = 40 + Math.floor(this.random() * 60);
  }

  /** The next position fix. */
  locate(): LocationInput {
    this.lat = Math.max(-90, Math.min(90, this.lat + (this.random() - 0.5) * 0.002));
    this.lon = ((this.lon + (this.random() - 0.5) * 0.002 + 540) % 360) - 180;
    return { lat: this.lat, lon: this.lon, accuracyMeters: Math.round(5 + this.random() * 45) };
  }

  /** The battery level now. */
  batteryPercent(): number {
    this.battery = this.battery <= 15 ? 100 : this.battery - 1;
    return this.battery;
  }
}
