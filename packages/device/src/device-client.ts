import { join } from 'node:path';
import {
  DEVICE_API_PREFIX,
  type DeviceCheckinRequest,
  type DeviceCheckinResponse,
  type DeviceCommand,
  type DeviceEnrollRequest,
  type DeviceEnrollResponse,
  type DeviceInfo,
  type DevicePlatform,
  type DeviceResult,
  type LocationPoint,
} from '@muster/protocol';
import { checkinDelayMs, retryDelayMs } from './checkin-schedule';
import { CoalescingRunner } from './coalescing-runner';
import {
  type CommandContext,
  type CommandHandler,
  type CommandHandlerMap,
  defaultCommandHandlers,
  runCommand,
} from './command-handlers';
import type { DeviceClientEvent } from './device-client-events';
import { type DeviceKey, loadOrCreateDeviceKey } from './device-key';
import { DEVICE_KEY_FILE, type DeviceSettings, type DeviceStateData, DeviceStateFile } from './device-state';
import {
  type LocationAddResult,
  LocationBuffer,
  type LocationInput,
  MAX_LOCATIONS_PER_CHECKIN,
} from './location-buffer';
import { DeviceApiError, type DeviceEndpoint, type DeviceSigner, postDeviceApi } from './signed-request';
import type { ServerTrust } from './tls-trust';

/** How to build a DeviceClient. */
export interface DeviceClientOptions extends ServerTrust {
  /** The server's device API base URL, e.g. `https://127.0.0.1:5723`. */
  server: string;
  /** Directory for the key and state files; one per device. */
  stateDir: string;
  /** Per-request deadline in ms; default 30000. */
  timeoutMs?: number;
  /** Handlers by command type, merged over (and so replacing) the defaults. */
  handlers?: Readonly<Record<string, CommandHandler>>;
  /** Device facts for each check-in; default: those given at enrollment. */
  info?: () => DeviceInfo | Promise<DeviceInfo>;
  /** The current position, for the `locate` command. */
  currentLocation?: () => Promise<LocationInput | undefined>;
  /** Compresses time for simulations: 720 makes a 12-hour interval one minute. Default 1. */
  timeScale?: number;
  /** Cap of the location buffer; default 5000. */
  maxBufferedLocations?: number;
  /** Clock; default Date.now. */
  now?: () => number;
  /** Progress and failures, for logging. Must not throw. */
  onEvent?: (event: DeviceClientEvent) => void;
}

/** What one check-in did. */
export interface CheckInSummary {
  response: DeviceCheckinResponse;
  commands: DeviceCommand[];
  results: DeviceResult[];
  locationsSent: number;
  /** Results the server took in this round, earlier pending ones included. */
  resultsReported: number;
}

/** Most results one /results request may carry (DeviceResultsRequestSchema's maxItems). */
const MAX_RESULTS_PER_REQUEST = 1000;

/**
 * The device side of the device API, as a phone app embeds it. Enrolls once, then checks in:
 * sends its facts and buffered locations, runs the commands it gets back and reports their
 * results. Results are written to the state file before they are sent and removed only once
 * the server has them, so a crash between running a command and reporting it loses nothing.
 */
export class DeviceClient {
  private readonly key: DeviceKey;
  private readonly state: DeviceStateFile;
  private readonly buffer: LocationBuffer;
  private readonly handlers: CommandHandlerMap;
  private readonly endpoint: DeviceEndpoint;
  private readonly now: () => number;
  private readonly runner = new CoalescingRunner(() => this.runCheckIn());
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private failures = 0;

  /** Loads (or creates at first start) the key and state in `options.stateDir`. */
  constructor(private readonly options: DeviceClientOptions) {
    this.now = options.now ?? Date.now;
    this.state = new DeviceStateFile(options.stateDir);
    this.key = loadOrCreateDeviceKey(join(options.stateDir, DEVICE_KEY_FILE));
    this.buffer = new LocationBuffer(this.state.value.locations, {
      now: this.now,
      ...(options.maxBufferedLocations === undefined ? {} : { maxPoints: options.maxBufferedLocations }),
    });
    this.handlers = { ...defaultCommandHandlers(), ...options.handlers };
    this.endpoint = {
      baseUrl: options.server,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.pinSha256 === undefined ? {} : { pinSha256: options.pinSha256 }),
      ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
  }

  /** The server's id for this device, once enrolled. */
  get deviceId(): string | null {
    return this.state.value.deviceId;
  }

  /** The settings last received from the server. */
  get settings(): Readonly<DeviceSettings> {
    return this.state.value.settings;
  }

  /** A snapshot of the persisted state. */
  get snapshot(): Readonly<DeviceStateData> {
    return this.state.value;
  }

  /** The public key the server knows this device by (SPKI DER, base64). */
  get publicKey(): string {
    return this.key.publicKeyBase64;
  }

  /** Enrolls with a one-time token. A state directory enrolls once; use a fresh one to enroll again. */
  async enroll(
    token: string,
    name: string,
    platform: DevicePlatform,
    info: DeviceInfo = {},
  ): Promise<DeviceEnrollResponse> {
    const enrolled = this.state.value.deviceId;
    if (enrolled !== null) throw new Error(`this state directory is already enrolled as device ${enrolled}`);
    const request: DeviceEnrollRequest = { token, name, platform, publicKey: this.key.publicKeyBase64, info };
    const answer = await postDeviceApi<DeviceEnrollResponse>(
      this.endpoint,
      `${DEVICE_API_PREFIX}/enroll`,
      request,
    );
    if (typeof answer.deviceId !== 'string' || answer.deviceId === '') {
      throw new Error('enrollment answer carries no deviceId');
    }
    if (!answer.tracking) this.buffer.clear();
    this.persist({
      deviceId: answer.deviceId,
      guid: answer.guid ?? null,
      group: answer.group ?? null,
      serverId: answer.serverId ?? null,
      name,
      platform,
      info,
      settings: this.settingsFrom(answer, null),
    });
    this.emit({ type: 'enrolled', deviceId: answer.deviceId, name, platform, group: answer.group ?? null });
    return answer;
  }

  /** Offers a location fix; buffered for the next check-in only while tracking is on. */
  recordLocation(input: LocationInput): LocationAddResult {
    const added = this.buffer.add(input, this.state.value.settings.tracking);
    if (added.accepted) this.persist({});
    return added;
  }

  /**
   * Checks in now: reports results left from before, sends facts and locations, runs the
   * commands received and reports their results. Concurrent calls share one queued follow-up
   * check-in, so a burst of wakes costs at most one extra round.
   */
  checkIn(): Promise<CheckInSummary> {
    return this.runner.run();
  }

  /** An immediate check-in, as when the user taps the push notification. Never rejects; failures go to onEvent. */
  async wake(): Promise<CheckInSummary | null> {
    try {
      return await this.checkIn();
    } catch {
      return null;
    }
  }

  /**
   * Checks in on the server's interval from now on: at once when the last check-in is an
   * interval or more ago, else when that interval ends.
   */
  start(): void {
    if (this.state.value.deviceId === null) throw new Error('enroll before starting check-ins');
    if (this.started) return;
    this.started = true;
    const last = this.state.value.lastCheckinAt;
    const interval = checkinDelayMs(this.settings.checkinIntervalMinutes, this.options.timeScale);
    const elapsed = last === null ? Number.POSITIVE_INFINITY : this.now() - Date.parse(last);
    this.schedule(Number.isFinite(elapsed) ? Math.max(0, interval - elapsed) : 0);
  }

  /** Stops scheduled check-ins and waits for one in flight. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.runner.idle();
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.wake();
    }, delayMs);
  }

  private async runCheckIn(): Promise<CheckInSummary> {
    try {
      const summary = await this.checkInOnce();
      this.failures = 0;
      this.schedule(checkinDelayMs(this.settings.checkinIntervalMinutes, this.options.timeScale));
      return summary;
    } catch (error) {
      this.failures += 1;
      const retryInMs = retryDelayMs(
        this.failures,
        this.settings.checkinIntervalMinutes,
        this.options.timeScale,
      );
      this.emit({
        type: 'checkin-failed',
        deviceId: this.state.value.deviceId,
        error: (error as Error).message,
        retryInMs: this.started ? retryInMs : null,
      });
      this.schedule(retryInMs);
      throw error;
    }
  }

  private async checkInOnce(): Promise<CheckInSummary> {
    const signer = this.signer();
    // Results from before a crash or a failed report go first, so the server does not hand
    // those commands out again. A failure here must not block the check-in itself.
    let resultsReported = await this.reportPending(signer);
    const tracking = this.settings.tracking;
    if (!tracking && this.buffer.size > 0) {
      this.buffer.clear();
      this.persist({});
    }
    const locations: LocationPoint[] = tracking ? this.buffer.take(MAX_LOCATIONS_PER_CHECKIN) : [];
    const info = this.options.info ? await this.options.info() : this.state.value.info;
    const request: DeviceCheckinRequest = { info, locations };
    const response = await postDeviceApi<DeviceCheckinResponse>(
      this.endpoint,
      `${DEVICE_API_PREFIX}/checkin`,
      request,
      signer,
    );
    const settings = this.settingsFrom(response, response.nextCheckinBy ?? null);
    if (settings.tracking) this.buffer.remove(locations);
    else this.buffer.clear();
    this.persist({ settings, info, lastCheckinAt: new Date(this.now()).toISOString() });
    // A malformed entry cannot be answered (no id to report against), so it is skipped.
    const commands = (Array.isArray(response.commands) ? response.commands : []).filter(
      (c) => typeof c?.id === 'string' && c.id !== '' && typeof c.type === 'string',
    );
    this.emit({
      type: 'checked-in',
      deviceId: signer.deviceId,
      commands: commands.length,
      locationsSent: locations.length,
      tracking: settings.tracking,
      checkinIntervalMinutes: settings.checkinIntervalMinutes,
      nextCheckinBy: settings.nextCheckinBy,
    });
    const results: DeviceResult[] = [];
    for (const command of commands) results.push(await this.execute(command, signer.deviceId));
    resultsReported += await this.reportPending(signer);
    return { response, commands, results, locationsSent: locations.length, resultsReported };
  }

  /**
   * Runs one command unless its result is already waiting to be reported (a re-delivery
   * after a lost report), and records the result durably before anything else happens.
   */
  private async execute(command: DeviceCommand, deviceId: string): Promise<DeviceResult> {
    const waiting = this.state.value.pendingResults.find(
      (r) => r.id === command.id && r.status !== 'not-now',
    );
    if (waiting) return waiting;
    const context: CommandContext = {
      deviceId,
      tracking: this.settings.tracking,
      recordLocation: (input) => this.recordLocation(input),
      ...(this.options.currentLocation ? { currentLocation: this.options.currentLocation } : {}),
    };
    const result = await runCommand(this.handlers, { ...command, params: command.params ?? {} }, context);
    this.persist({
      pendingResults: [...this.state.value.pendingResults.filter((r) => r.id !== command.id), result],
    });
    this.emit({
      type: 'command-done',
      deviceId,
      commandId: command.id,
      commandType: command.type,
      status: result.status,
      ...(result.output === undefined ? {} : { output: result.output }),
      ...(result.error === undefined ? {} : { error: result.error }),
    });
    return result;
  }

  /**
   * Sends pending results in batches; each batch leaves the state file only after the server
   * answered 2xx. Transient failures (network, 5xx, 401, 429) keep everything for the next
   * round and are reported as events, not thrown.
   */
  private async reportPending(signer: DeviceSigner): Promise<number> {
    let reported = 0;
    for (;;) {
      const batch = this.state.value.pendingResults.slice(0, MAX_RESULTS_PER_REQUEST);
      if (batch.length === 0) return reported;
      try {
        reported += await this.sendResults(signer, batch);
      } catch (error) {
        if (!isPermanentRefusal(error)) {
          this.emit({ type: 'results-failed', deviceId: signer.deviceId, error: (error as Error).message });
          return reported;
        }
        // The server refuses a whole report for one result it can never take, such as one for
        // a command it already finished (a crash between its acceptance and the state write).
        // One at a time finds that result, so it cannot block the others forever.
        const single = await this.reportOneByOne(signer, batch);
        reported += single.reported;
        if (single.stalled) return reported;
      }
    }
  }

  private async reportOneByOne(
    signer: DeviceSigner,
    batch: readonly DeviceResult[],
  ): Promise<{ reported: number; stalled: boolean }> {
    let reported = 0;
    for (const result of batch) {
      try {
        reported += await this.sendResults(signer, [result]);
      } catch (error) {
        const message = (error as Error).message;
        if (!isPermanentRefusal(error)) {
          this.emit({ type: 'results-failed', deviceId: signer.deviceId, error: message });
          return { reported, stalled: true };
        }
        this.persist({ pendingResults: this.state.value.pendingResults.filter((r) => r !== result) });
        this.emit({
          type: 'result-dropped',
          deviceId: signer.deviceId,
          commandId: result.id,
          error: message,
        });
      }
    }
    return { reported, stalled: false };
  }

  /** One /results request; its results leave the state file once the server has them. */
  private async sendResults(signer: DeviceSigner, batch: readonly DeviceResult[]): Promise<number> {
    const answer = await postDeviceApi<{ accepted?: number }>(
      this.endpoint,
      `${DEVICE_API_PREFIX}/results`,
      { results: batch },
      signer,
    );
    const sent = new Set(batch);
    this.persist({ pendingResults: this.state.value.pendingResults.filter((r) => !sent.has(r)) });
    this.emit({
      type: 'results-reported',
      deviceId: signer.deviceId,
      count: batch.length,
      accepted: typeof answer.accepted === 'number' ? answer.accepted : null,
    });
    return batch.length;
  }

  private signer(): DeviceSigner {
    const deviceId = this.state.value.deviceId;
    if (deviceId === null) throw new Error('this device is not enrolled');
    return { deviceId, key: this.key, now: this.now };
  }

  private settingsFrom(
    answer: { checkinIntervalMinutes?: number; tracking?: boolean },
    nextCheckinBy: string | null,
  ): DeviceSettings {
    const old = this.state.value.settings;
    const minutes = answer.checkinIntervalMinutes;
    return {
      checkinIntervalMinutes:
        typeof minutes === 'number' && minutes > 0 ? minutes : old.checkinIntervalMinutes,
      tracking: typeof answer.tracking === 'boolean' ? answer.tracking : old.tracking,
      nextCheckinBy,
    };
  }

  /** Writes a state change together with the current location buffer. */
  private persist(change: Partial<DeviceStateData>): void {
    this.state.update({ ...change, locations: [...this.buffer.points] });
  }

  private emit(event: DeviceClientEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A logging callback must not break a check-in.
    }
  }
}

/**
 * A refusal that sending the same results again cannot change: the server looked at them and
 * said no (bad input, not this device's command, no such command, already finished).
 */
function isPermanentRefusal(error: unknown): boolean {
  return error instanceof DeviceApiError && [400, 403, 404, 409, 410, 422].includes(error.status);
}
