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
 * Builds a decoder for one direction of a protocol. Validation is compiled ahead of time
 * because the gateway decodes every check-in of every agent.
 */
export function createDecoder<M extends Record<string, { t: string }>>(schemas: SchemaMap): FrameDecoder<M> {
  const checkers = new Map<string, TypeCheck<TSchema>>();
  for (const [type, schema] of Object.entries(schemas)) checkers.set(type, TypeCompiler.Compile(schema));
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
      const checker = checkers.get(type);
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
 * A handler per message type. Dispatch is a map lookup, so adding a message type adds a
 * handler rather than another branch of a switch.
 */
export type HandlerMap<M extends Record<string, { t: string }>, C> = {
  [K in keyof M]?: (message: M[K], context: C) => void | Promise<void>;
};
