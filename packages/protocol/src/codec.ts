import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

/** Why a frame was rejected; `detail` is safe to send back as a close reason. */
export class FrameError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'FrameError';
  }
}

/** A schema map: message type name to its schema (whose `t` literal equals the key). */
export type SchemaMap = Readonly<Record<string, TSchema>>;

/** Decodes and validates JSON frames against a schema map, with checkers compiled once. */
export interface FrameDecoder<M extends Record<string, { t: string }>> {
  /** Parses one frame; throws FrameError on anything not exactly one valid message. */
  decode(frame: string | Buffer): M[keyof M];
}

/**
 * Builds a decoder for one direction of a protocol. Each message type's checker is compiled the
 * first time a frame of that type arrives and kept: the gateway decodes every check-in of every
 * agent, so checking stays compiled code, while an agent, which sees a handful of the types it
 * could be sent, never pays the memory of compiling the others (an idle agent's footprint is a
 * target, see bench/footprint).
 */
export function createDecoder<M extends Record<string, { t: string }>>(schemas: SchemaMap): FrameDecoder<M> {
  const checkers = new Map<string, TypeCheck<TSchema>>();
  const checkerFor = (type: string): TypeCheck<TSchema> | undefined => {
    const known = checkers.get(type);
    if (known) return known;
    if (!Object.hasOwn(schemas, type)) return undefined;
    const schema = schemas[type];
    if (!schema) return undefined;
    const compiled = TypeCompiler.Compile(schema);
    checkers.set(type, compiled);
    return compiled;
  };
  return {
    decode(frame) {
      let value: unknown;
      try {
        value = JSON.parse(typeof frame === 'string' ? frame : frame.toString('utf8'));
      } catch {
        throw new FrameError('frame is not valid JSON');
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new FrameError('frame is not a JSON object');
      }
      const type = (value as { t?: unknown }).t;
      if (typeof type !== 'string') throw new FrameError('frame has no message type');
      const checker = checkerFor(type);
      if (!checker) throw new FrameError(`unknown message type "${type.slice(0, 40)}"`);
      if (!checker.Check(value)) {
        const first = checker.Errors(value).First();
        const where = first ? `${first.path || '/'}: ${first.message}` : 'invalid';
        throw new FrameError(`invalid ${type} message at ${where}`.slice(0, 120));
      }
      return value as M[keyof M];
    },
  };
}

/** Encodes a message as a JSON text frame. */
export function encodeFrame<M extends { t: string }>(message: M): string {
  return JSON.stringify(message);
}

/**
 * The WebSocket masking key a client of ours sends: all zeros, which `ws` on both ends skips.
 * RFC 6455 masks client frames so a script in a browser cannot make a frame whose bytes look
 * like another protocol to a proxy on the way. Our clients (agents, and nodes relaying to each
 * other) are not browsers and speak only inside TLS, where no intermediary reads the bytes; the
 * mask bought nothing there and cost the most CPU of a terminal's output on both ends (the
 * JavaScript XOR over every byte: 2.1 s of the agent's 4.2 busy seconds for a 75 MiB cat).
 */
export function zeroMask(mask: Uint8Array): void {
  mask.fill(0);
}
