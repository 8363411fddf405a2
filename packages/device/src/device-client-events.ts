import type { DevicePlatform, DeviceResult } from '@muster/protocol';

/**
 * What a DeviceClient reports as it works, for the app's log (the simulator turns these into
 * JSON lines). Failures arrive here too, because scheduled check-ins have no caller to throw to.
 */
export type DeviceClientEvent =
  | { type: 'enrolled'; deviceId: string; name: string; platform: DevicePlatform; group: string | null }
  | {
      type: 'checked-in';
      deviceId: string;
      commands: number;
      locationsSent: number;
      tracking: boolean;
      checkinIntervalMinutes: number;
      nextCheckinBy: string | null;
    }
  | {
      type: 'command-done';
      deviceId: string;
      commandId: string;
      commandType: string;
      status: DeviceResult['status'];
      output?: string;
      error?: string;
    }
  | { type: 'results-reported'; deviceId: string; count: number; accepted: number | null }
  | { type: 'results-failed'; deviceId: string; error: string }
  /** The server refused a result for good (e.g. its command was already finished); it is not sent again. */
  | { type: 'result-dropped'; deviceId: string; commandId: string; error: string }
  | { type: 'checkin-failed'; deviceId: string | null; error: string; retryInMs: number | null };
