import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import https from 'node:https';
import {
  DEVICE_API_PREFIX,
  DEVICE_HEADERS,
  type DeviceCheckinResponse,
  type DeviceEnrollResponse,
  deviceRequestSigningBytes,
  signProof,
} from '@muster/protocol';

/** One answer of the device API, with how long it took from before signing to its last byte. */
export interface TimedAnswer<T> {
  status: number;
  body: T;
  ms: number;
}

/** An Ed25519 key pair in the form the device API wants (public key: SPKI DER, base64). */
export interface BenchDeviceKey {
  privateKey: KeyObject;
  publicKey: string;
}

/** A fresh device key. */
export function newDeviceKey(): BenchDeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

/**
 * A benchmark device talking to the device endpoint over one kept-alive HTTPS connection (so
 * a timed check-in is the server's work and one round trip, not a TLS handshake). Requests
 * after enrollment are signed exactly as the protocol says (timestamp, single-use nonce,
 * Ed25519 over method, path, device id and body hash). The server's self-signed certificate
 * is accepted without checking: only the timing matters here.
 */
export class BenchDevice {
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
  deviceId = '';

  constructor(
    private readonly baseUrl: string,
    readonly key: BenchDeviceKey = newDeviceKey(),
  ) {}

  /** Enrolls with a device enrollment token; the device id is kept. */
  async enroll(token: string, name: string): Promise<DeviceEnrollResponse> {
    const answer = await this.post<DeviceEnrollResponse>('/enroll', {
      token,
      name,
      platform: 'android',
      publicKey: this.key.publicKey,
      info: { model: 'bench-phone', osVersion: '14' },
    });
    if (answer.status !== 201) throw new Error(`device enrollment: HTTP ${answer.status}`);
    this.deviceId = answer.body.deviceId;
    return answer.body;
  }

  /** A signed check-in without locations. */
  checkin(): Promise<TimedAnswer<DeviceCheckinResponse>> {
    return this.post<DeviceCheckinResponse>(
      '/checkin',
      { info: { batteryPercent: 80 }, locations: [] },
      true,
    );
  }

  /** Signed results: every listed command complete. */
  results(ids: readonly string[]): Promise<TimedAnswer<{ accepted: number }>> {
    return this.post('/results', { results: ids.map((id) => ({ id, status: 'complete' })) }, true);
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }

  private post<T>(apiPath: string, body: unknown, signed = false): Promise<TimedAnswer<T>> {
    const started = performance.now();
    const path = `${DEVICE_API_PREFIX}${apiPath}`;
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(raw)),
    };
    if (signed) {
      const timestamp = String(Date.now());
      const nonce = randomBytes(16).toString('base64url');
      const bytes = deviceRequestSigningBytes('POST', path, this.deviceId, timestamp, nonce, raw);
      headers[DEVICE_HEADERS.device] = this.deviceId;
      headers[DEVICE_HEADERS.timestamp] = timestamp;
      headers[DEVICE_HEADERS.nonce] = nonce;
      headers[DEVICE_HEADERS.signature] = signProof(this.key.privateKey, bytes).toString('base64');
    }
    return new Promise((resolve, reject) => {
      const request = https.request(new URL(path, this.baseUrl), {
        method: 'POST',
        headers,
        agent: this.agent,
        timeout: 60_000,
      });
      request.on('timeout', () => request.destroy(new Error(`no answer to ${path} within 60 s`)));
      request.on('error', reject);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 400) {
            reject(new Error(`${path}: HTTP ${status} ${text.slice(0, 300)}`));
            return;
          }
          try {
            resolve({ status, body: JSON.parse(text) as T, ms });
          } catch {
            reject(new Error(`${path}: answer is not JSON`));
          }
        });
      });
      request.end(raw);
    });
  }
}
