import { createPrivateKey, type KeyObject } from 'node:crypto';

/**
 * A seeded PRNG (mulberry32) and the generators and mutators the gateway fuzz test builds
 * its frames with. Everything derives from the seed, so a failing case reproduces by seed
 * and case number.
 */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** Printable ASCII, so the result is always valid UTF-8. */
  ascii(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(32 + Math.floor(this.next() * 95));
    return s;
  }

  /** A child generator, so one case's draws do not shift every later case. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 0xffffffff));
  }
}

/** An Ed25519 private key made from a 32-byte seed (PKCS#8 wrapping of the raw seed). */
export function seededEd25519(rng: Rng): KeyObject {
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({ key: Buffer.concat([prefix, rng.bytes(32)]), format: 'der', type: 'pkcs8' });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const FIELD_NAMES = [
  't',
  'v',
  'clientNonce',
  'publicKey',
  'signature',
  'enrollToken',
  'hostName',
  'hardwareId',
  'agentVersion',
  'configured',
  'loggedOnUser',
  'userIdleSeconds',
  'localAddresses',
  'inventory',
  'revision',
  '__proto__',
  'constructor',
];
const TYPE_NAMES = [
  'hello',
  'auth',
  'checkin',
  'audit',
  'settings-applied',
  'welcome',
  'challenge',
  'HELLO',
  '',
];

/** A random JSON value, biased towards protocol-looking keys and message types. */
export function randomJson(rng: Rng, depth = 0): Json {
  const kind = rng.int(0, depth > 3 ? 4 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.bool();
    case 2:
      return rng.pick([0, -1, 1, 1.5, 1e308, -1e308, 2 ** 53 + 1, rng.int(-1e6, 1e6)]);
    case 3:
      return rng.ascii(rng.int(0, 24));
    case 4:
      return rng.pick(TYPE_NAMES);
    case 5:
      return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, depth + 1));
    default: {
      const out: { [key: string]: Json } = {};
      if (rng.bool(0.7)) out.t = rng.bool(0.8) ? rng.pick(TYPE_NAMES) : randomJson(rng, depth + 1);
      for (let i = rng.int(0, 5); i > 0; i--) {
        out[rng.bool(0.8) ? rng.pick(FIELD_NAMES) : rng.ascii(rng.int(1, 8))] = randomJson(rng, depth + 1);
      }
      return out;
    }
  }
}

/** Replaces a value with one of another JSON type. */
function wrongType(rng: Rng, value: unknown): Json {
  const options: Json[] = [null, true, 0, -7, 1.25, '', 'x', [], {}, ['a'], { t: 'hello' }];
  return rng.pick(
    options.filter((o) => typeof o !== typeof value || Array.isArray(o) !== Array.isArray(value)),
  );
}

/** Structural mutations of a message object: each keeps the frame valid JSON. */
export function mutateStructure(rng: Rng, message: Record<string, unknown>): string {
  const copy: Record<string, unknown> = structuredClone(message);
  const keys = Object.keys(copy);
  const key = rng.pick(keys);
  switch (rng.int(0, 9)) {
    case 0:
      delete copy[key];
      break;
    case 1:
      copy[key] = wrongType(rng, copy[key]);
      break;
    case 2:
      // Over the schema's length limits but under the frame limit.
      copy[key] = 'A'.repeat(rng.pick([257, 4096, 65_536, 200_000]));
      break;
    case 3: {
      // Spliced in as text: JSON.stringify itself overflows the stack on such depths.
      const depth = rng.pick([64, 1000, 20_000, 100_000]);
      const marker = `deep-${rng.int(0, 1e9)}`;
      copy[key] = marker;
      return JSON.stringify(copy).replace(`"${marker}"`, `${'['.repeat(depth)}${']'.repeat(depth)}`);
    }
    case 4:
      copy.t = rng.pick(['goodbye', 'Hello', 'toString', '__proto__', 'welcome', 'challenge', rng.ascii(12)]);
      break;
    case 5:
      copy[rng.pick(['extra', 'admin', 'machineId', rng.ascii(6)])] = randomJson(rng);
      break;
    case 6:
      copy[key] = rng.pick([-1, Number.POSITIVE_INFINITY, 2 ** 31, 0.5, Number.MAX_SAFE_INTEGER]);
      break;
    case 7: {
      // Swap the values of two fields.
      const other = rng.pick(keys);
      [copy[key], copy[other]] = [copy[other], copy[key]];
      break;
    }
    case 8:
      copy[key] = randomJson(rng);
      break;
    default:
      // Keep the object, wrap it: a valid message one level too deep.
      return JSON.stringify({ t: copy.t, message: copy });
  }
  // JSON.stringify turns Infinity into null, which is a mutation of its own.
  return JSON.stringify(copy);
}

/** Byte-level mutations of an encoded frame: flips, cuts, insertions, repeats. */
export function mutateBytes(rng: Rng, frame: string): Buffer {
  let bytes = Buffer.from(frame, 'utf8');
  const rounds = rng.int(1, 4);
  for (let r = 0; r < rounds && bytes.length > 0; r++) {
    const at = rng.int(0, bytes.length - 1);
    switch (rng.int(0, 5)) {
      case 0:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(0, 7));
        break;
      case 1:
        // ASCII-only flip: the result stays valid UTF-8, so it reaches the JSON decoder.
        bytes[at] = 32 + (((bytes[at] ?? 0) + rng.int(1, 94)) % 95);
        break;
      case 2:
        bytes = bytes.subarray(0, at);
        break;
      case 3: {
        const end = Math.min(bytes.length, at + rng.int(1, 16));
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)]);
        break;
      }
      case 4:
        bytes = Buffer.concat([bytes.subarray(0, at), rng.bytes(rng.int(1, 8)), bytes.subarray(at)]);
        break;
      default: {
        const end = Math.min(bytes.length, at + rng.int(1, 32));
        bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
      }
    }
  }
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether bytes are valid UTF-8: a text frame that is not is refused by the WebSocket layer (1007). */
export function isValidUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
