import { createPublicKey, type KeyObject, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  DEVICE_API_PREFIX,
  DEVICE_CLOCK_SKEW_MS,
  DEVICE_HEADERS,
  type DeviceCheckinRequest,
  type DeviceCommand,
  type DeviceEnrollRequest,
  type DeviceResult,
  deviceRequestSigningBytes,
} from '@muster/protocol';
import { selfSignedCertificate } from '../../../server/src/gateway/tls-credentials';
import { certificateFingerprint } from '../tls-trust';

/** Common name of the peer's certificate, for clients that check it by name. */
export const TEST_PEER_NAME = 'muster-test-peer';

/** One device as the peer knows it. */
export interface PeerDevice {
  deviceId: string;
  name: string;
  publicKey: KeyObject;
  tracking: boolean;
  checkinIntervalMinutes: number;
  /** Commands not yet handed out, or handed back by "not-now". */
  queue: DeviceCommand[];
  /** Commands handed out and not yet answered. */
  sent: Map<string, DeviceCommand>;
  results: DeviceResult[];
  checkins: DeviceCheckinRequest[];
}

/** One request the peer answered, for asserting on order and outcome. */
export interface PeerRequestLog {
  path: string;
  deviceId: string | null;
  status: number;
  /** When it was answered, epoch ms. */
  at: number;
  error?: string;
}

/**
 * A small HTTPS device-API server for tests: enrolls with token "good-token", checks every
 * signed request exactly as the contract says (headers, clock skew, single-use nonce, Ed25519
 * signature over deviceRequestSigningBytes of the raw body) and hands queued commands out at
 * check-in. Not the real server: only what the scheduling and simulator tests need to control
 * (failures on demand, intervals). It answers with the real server's status codes and error
 * codes; what the client does with those is tested against the real device API in
 * device-client-real-api.test.ts.
 */
export class DeviceTestPeer {
  /** Devices by id. */
  readonly devices = new Map<string, PeerDevice>();
  /** Every request answered, oldest first. */
  readonly log: PeerRequestLog[] = [];
  /** Answer this many coming /results requests with 503. */
  failResults = 0;
  /** Tracking setting given to devices at enrollment. */
  trackingAtEnroll = true;
  /** Interval given to devices at enrollment. */
  intervalAtEnroll = 720;
  private readonly nonces = new Set<string>();

  private constructor(
    private readonly server: https.Server,
    /** The peer's certificate, PEM. */
    readonly cert: string,
  ) {}

  /** Base URL, `https://127.0.0.1:<port>`. */
  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** SHA-256 fingerprint of the certificate, for pinning. */
  get fingerprint(): string {
    return certificateFingerprint(this.cert);
  }

  /** Starts the peer on a free loopback port. */
  static async start(): Promise<DeviceTestPeer> {
    const credentials = await selfSignedCertificate(TEST_PEER_NAME);
    let peer: DeviceTestPeer | null = null;
    const server = https.createServer(
      { cert: credentials.cert, key: credentials.key },
      (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const answer = peer?.handle(request, Buffer.concat(chunks)) ?? { status: 503, body: {} };
          const text = JSON.stringify(answer.body);
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(text);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    peer = new DeviceTestPeer(server, credentials.cert);
    return peer;
  }

  /** Queues a command for a device; returns its id. */
  queue(deviceId: string, type: string, params: Record<string, unknown> = {}): string {
    const device = this.device(deviceId);
    const id = randomUUID();
    device.queue.push({ id, type, params });
    return id;
  }

  /** The device with this id; throws when unknown. */
  device(deviceId: string): PeerDevice {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`peer knows no device ${deviceId}`);
    return device;
  }

  /** Stops the peer. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, raw: Buffer): { status: number; body: unknown } {
    const path = request.url ?? '';
    let deviceId: string | null = null;
    const reply = (status: number, body: unknown, error?: string) => {
      this.log.push({ path, deviceId, status, at: Date.now(), ...(error === undefined ? {} : { error }) });
      return { status, body };
    };
    const refuse = (status: number, code: string) => reply(status, { error: { code, message: code } }, code);
    if (request.method !== 'POST') return refuse(404, 'not-found');
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(400, 'invalid-input');
    }
    if (path === `${DEVICE_API_PREFIX}/enroll`) {
      const enroll = body as DeviceEnrollRequest;
      if (enroll.token !== 'good-token') return refuse(400, 'token-invalid');
      deviceId = `dev-${this.devices.size + 1}`;
      this.devices.set(deviceId, {
        deviceId,
        name: enroll.name,
        publicKey: createPublicKey({
          key: Buffer.from(enroll.publicKey, 'base64'),
          format: 'der',
          type: 'spki',
        }),
        tracking: this.trackingAtEnroll,
        checkinIntervalMinutes: this.intervalAtEnroll,
        queue: [],
        sent: new Map(),
        results: [],
        checkins: [],
      });
      return reply(201, {
        deviceId,
        guid: randomUUID(),
        group: 'phones.test',
        checkinIntervalMinutes: this.intervalAtEnroll,
        tracking: this.trackingAtEnroll,
        serverId: 'test-server',
      });
    }
    const verified = this.verifySignature(request, path, raw);
    deviceId = verified.deviceId;
    // Like the real server: every authentication failure is the same code, the reason is
    // only in the log, so a prober learns nothing about which check failed.
    if (verified.error !== undefined) {
      this.log.push({ path, deviceId, status: 401, at: Date.now(), error: verified.error });
      return { status: 401, body: { error: { code: 'unauthorized', message: verified.error } } };
    }
    const device = this.device(verified.deviceId as string);
    if (path === `${DEVICE_API_PREFIX}/checkin`) {
      const checkin = body as DeviceCheckinRequest;
      device.checkins.push(checkin);
      const commands = device.queue.splice(0);
      for (const command of commands) device.sent.set(command.id, command);
      return reply(200, {
        commands,
        checkinIntervalMinutes: device.checkinIntervalMinutes,
        tracking: device.tracking,
        nextCheckinBy: new Date(Date.now() + device.checkinIntervalMinutes * 60_000).toISOString(),
        locationsStored: device.tracking ? checkin.locations.length : 0,
      });
    }
    if (path === `${DEVICE_API_PREFIX}/results`) {
      if (this.failResults > 0) {
        this.failResults -= 1;
        return refuse(503, 'store-unavailable');
      }
      // As the real server: every result must be for a command handed out and not yet
      // answered, or the whole report is refused and nothing stored.
      const results = (body as { results: DeviceResult[] }).results;
      if (
        results.some(
          (result) => !device.sent.has(result.id) && !device.results.some((r) => r.id === result.id),
        )
      )
        return refuse(404, 'not-found');
      if (results.some((result) => !device.sent.has(result.id))) return refuse(409, 'invalid-state');
      for (const result of results) {
        const command = device.sent.get(result.id) as DeviceCommand;
        device.sent.delete(result.id);
        device.results.push(result);
        if (result.status === 'not-now') device.queue.push(command);
      }
      return reply(200, { accepted: results.length });
    }
    return refuse(404, 'not-found');
  }

  private verifySignature(
    request: IncomingMessage,
    path: string,
    raw: Buffer,
  ): { deviceId: string | null; error?: string } {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const deviceId = header(DEVICE_HEADERS.device) ?? null;
    const timestamp = header(DEVICE_HEADERS.timestamp);
    const nonce = header(DEVICE_HEADERS.nonce);
    const signature = header(DEVICE_HEADERS.signature);
    if (deviceId === null || !timestamp || !nonce || !signature)
      return { deviceId, error: 'missing-headers' };
    const device = this.devices.get(deviceId);
    if (!device) return { deviceId, error: 'unknown-device' };
    if (!/^[0-9]+$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > DEVICE_CLOCK_SKEW_MS)
      return { deviceId, error: 'bad-timestamp' };
    if (!/^[A-Za-z0-9_-]{22}$/.test(nonce) || Buffer.from(nonce, 'base64url').length !== 16)
      return { deviceId, error: 'bad-nonce' };
    const bytes = deviceRequestSigningBytes(request.method ?? '', path, deviceId, timestamp, nonce, raw);
    if (!verify(null, bytes, device.publicKey, Buffer.from(signature, 'base64')))
      return { deviceId, error: 'bad-signature' };
    // Only a correctly signed request spends its nonce; otherwise a forger could burn nonces.
    if (this.nonces.has(nonce)) return { deviceId, error: 'replayed-nonce' };
    this.nonces.add(nonce);
    return { deviceId };
  }
}
