import {
  DEVICE_CLOCK_SKEW_MS,
  DEVICE_HEADERS,
  deviceRequestSigningBytes,
  verifyProof,
} from '@muster/protocol';
import { ErrorCode, MusterError } from '../domain/errors';
import type { DeviceRecord } from '../store/device-record';
import type { DeviceStore } from '../store/interfaces';

/** A device request as the transport hands it over. */
export interface SignedDeviceRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

const unauthorized = (message: string) => new MusterError(ErrorCode.unauthorized, message);

/**
 * Authenticates a signed device request: a known device, a fresh timestamp, a nonce it never
 * used before, and an Ed25519 signature by its enrolled key over method, path, timestamp,
 * nonce and body. A forged request fails the signature; a captured one fails the nonce.
 */
export async function authenticateDevice(
  store: DeviceStore,
  request: SignedDeviceRequest,
  now: number,
): Promise<DeviceRecord> {
  const header = (name: string) => {
    const v = request.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const deviceId = header(DEVICE_HEADERS.device);
  const timestamp = header(DEVICE_HEADERS.timestamp);
  const nonce = header(DEVICE_HEADERS.nonce);
  const signature = header(DEVICE_HEADERS.signature);
  if (!deviceId || !timestamp || !nonce || !signature) {
    throw unauthorized(`signed request needs ${Object.values(DEVICE_HEADERS).join(', ')}`);
  }
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(Number(timestamp) - now) > DEVICE_CLOCK_SKEW_MS) {
    throw unauthorized('request timestamp is missing or more than 5 minutes from the server clock');
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) throw unauthorized('nonce must be 16-64 base64url characters');
  const device = await store.findDevice(deviceId.toLowerCase());
  const bytes = deviceRequestSigningBytes(
    request.method,
    request.path,
    deviceId,
    timestamp,
    nonce,
    request.rawBody,
  );
  if (
    !device ||
    !verifyProof(Buffer.from(device.publicKey, 'base64'), bytes, Buffer.from(signature, 'base64'))
  ) {
    throw unauthorized('device signature does not verify');
  }
  if (!(await store.useNonce(device.id, nonce, now + 2 * DEVICE_CLOCK_SKEW_MS))) {
    throw unauthorized('this request was already used (replayed nonce)');
  }
  return device;
}
