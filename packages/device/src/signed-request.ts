import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { DEVICE_HEADERS, deviceRequestSigningBytes } from '@muster/protocol';
import { type DeviceKey, signWithDeviceKey } from './device-key';
import { type ServerTrust, trustedConnector } from './tls-trust';

/** Where the device API lives and how its certificate is checked. */
export interface DeviceEndpoint extends ServerTrust {
  /** e.g. `https://127.0.0.1:5723`; a path here is kept in front of the API prefix. */
  baseUrl: string;
  /** Whole-request deadline in ms, connection included; default 30000. */
  timeoutMs?: number;
}

/** Who signs: the enrolled device id and its key. */
export interface DeviceSigner {
  deviceId: string;
  key: DeviceKey;
  /** Clock for `x-muster-timestamp`; default Date.now. */
  now?: () => number;
}

/** An error answer from the server, `{"error":{"code","message"}}` with a 4xx/5xx status. */
export class DeviceApiError extends Error {
  /** Builds the error from the answer's parts. */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${message} (${code}, HTTP ${status})`);
    this.name = 'DeviceApiError';
  }
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** 16 random bytes, base64url: one per request, so the server can refuse a replay. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The four headers of a signed request. `path` is the request path as sent (prefix included)
 * and `rawBody` the exact bytes sent: the server hashes what it receives, so re-serialising
 * the JSON anywhere between signing and sending would break the signature.
 */
export function signedHeaders(
  signer: DeviceSigner,
  method: string,
  path: string,
  rawBody: string | Buffer,
  nonce: string = newNonce(),
): Record<string, string> {
  const timestamp = String((signer.now ?? Date.now)());
  const bytes = deviceRequestSigningBytes(method, path, signer.deviceId, timestamp, nonce, rawBody);
  return {
    [DEVICE_HEADERS.device]: signer.deviceId,
    [DEVICE_HEADERS.timestamp]: timestamp,
    [DEVICE_HEADERS.nonce]: nonce,
    [DEVICE_HEADERS.signature]: signWithDeviceKey(signer.key, bytes),
  };
}

/** The URL of an API path below the endpoint's base URL. */
export function endpointUrl(endpoint: DeviceEndpoint, apiPath: string): URL {
  const base = new URL(endpoint.baseUrl);
  if (base.protocol !== 'https:') throw new Error(`the device API is HTTPS only, got ${endpoint.baseUrl}`);
  return new URL(`${base.pathname.replace(/\/+$/, '')}${apiPath}`, base);
}

/**
 * POSTs JSON to the device API, signed when a signer is given, and resolves with the parsed
 * answer. Rejects with DeviceApiError on a 4xx/5xx and with a plain Error on network, TLS or
 * timeout failures. Every call signs afresh, so a caller retrying gets a new nonce.
 */
export function postDeviceApi<T>(
  endpoint: DeviceEndpoint,
  apiPath: string,
  body: unknown,
  signer?: DeviceSigner,
): Promise<T> {
  const url = endpointUrl(endpoint, apiPath);
  const rawBody = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(rawBody)),
    accept: 'application/json',
    ...(signer ? signedHeaders(signer, 'POST', url.pathname + url.search, rawBody) : {}),
  };
  const timeoutMs = endpoint.timeoutMs ?? 30_000;
  return new Promise<T>((resolve, reject) => {
    const request = https.request(url, {
      method: 'POST',
      headers,
      createConnection: trustedConnector(url, endpoint),
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) request.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 400 || status < 200) reject(apiError(status, text));
        else {
          try {
            resolve((text === '' ? {} : JSON.parse(text)) as T);
          } catch {
            reject(new DeviceApiError(status, 'bad-answer', 'server answered with invalid JSON'));
          }
        }
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    request.end(rawBody);
  });
}

/** Reads `{"error":{"code","message"}}`, falling back to the status when the body is something else. */
function apiError(status: number, text: string): DeviceApiError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : `http-${status}`;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : `HTTP ${status}`;
    return new DeviceApiError(status, code, message);
  } catch {
    return new DeviceApiError(status, `http-${status}`, text.slice(0, 200) || `HTTP ${status}`);
  }
}
