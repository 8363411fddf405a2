import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_DEVICE_CHECKIN_MINUTES,
  type DeviceInfo,
  type DevicePlatform,
  type DeviceResult,
  type LocationPoint,
} from '@muster/protocol';
import { writeFileAtomic } from './atomic-file';

/** Settings the server hands the device at enrollment and every check-in. */
export interface DeviceSettings {
  checkinIntervalMinutes: number;
  tracking: boolean;
  /** When the server expects the next check-in (ISO 8601), as last told. */
  nextCheckinBy: string | null;
}

/** Everything the device must remember across restarts, besides its key. */
export interface DeviceStateData {
  version: 1;
  deviceId: string | null;
  guid: string | null;
  group: string | null;
  serverId: string | null;
  name: string | null;
  platform: DevicePlatform | null;
  /** The facts sent at enrollment, reused at check-ins when the app supplies none. */
  info: DeviceInfo;
  settings: DeviceSettings;
  lastCheckinAt: string | null;
  /** Locations collected while tracking is on and not yet stored by the server. */
  locations: LocationPoint[];
  /** Results of commands already run but not yet accepted by the server. */
  pendingResults: DeviceResult[];
}

/** File names inside a device state directory. */
export const DEVICE_STATE_FILE = 'device-state.json';
/** The device key's file name inside the state directory. */
export const DEVICE_KEY_FILE = 'device-key.pem';

/** The state of a device that has not enrolled yet. */
export function emptyDeviceState(): DeviceStateData {
  return {
    version: 1,
    deviceId: null,
    guid: null,
    group: null,
    serverId: null,
    name: null,
    platform: null,
    info: {},
    settings: {
      checkinIntervalMinutes: DEFAULT_DEVICE_CHECKIN_MINUTES,
      tracking: false,
      nextCheckinBy: null,
    },
    lastCheckinAt: null,
    locations: [],
    pendingResults: [],
  };
}

/**
 * The device's state file (mode 0600), rewritten atomically on every change: a crash at any
 * point leaves the previous or the new state, so a result recorded before the crash is still
 * there to report afterwards.
 */
export class DeviceStateFile {
  /** Path of the JSON file. */
  readonly file: string;
  private data: DeviceStateData;

  /** Opens (creating the directory, mode 0700) the state in `dir`. */
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, DEVICE_STATE_FILE);
    this.data = existsSync(this.file)
      ? parseState(readFileSync(this.file, 'utf8'), this.file)
      : emptyDeviceState();
  }

  /** The current state; change it only through `update`. */
  get value(): Readonly<DeviceStateData> {
    return this.data;
  }

  /** Changes and persists the state before returning. */
  update(change: Partial<DeviceStateData>): void {
    this.data = { ...this.data, ...change };
    writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`, 0o600);
  }
}

/**
 * Reads a state file, filling fields an older version lacked. A corrupt file is an error, not an
 * empty state: silently starting over would lose the enrollment and pending results.
 */
function parseState(text: string, file: string): DeviceStateData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`device state ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`device state ${file} is not a JSON object`);
  }
  const empty = emptyDeviceState();
  const stored = parsed as Partial<DeviceStateData>;
  return {
    ...empty,
    ...stored,
    settings: { ...empty.settings, ...stored.settings },
    locations: Array.isArray(stored.locations) ? stored.locations : [],
    pendingResults: Array.isArray(stored.pendingResults) ? stored.pendingResults : [],
  };
}
