import { type Static, Type } from '@sinclair/typebox';

/**
 * The relay between server nodes for a remote terminal: the node a person's browser talks to
 * (the client) opens a WebSocket to the agent port of the node that holds the agent (the
 * server), over TLS, at RELAY_PATH. Each end proves it holds the server identity by signing
 * both nonces and the TLS channel binding under its own role label; then terminal bytes go as
 * binary frames (input one way, output the other) and these JSON frames carry the rest.
 */

/** The agent port's path for terminal relays between nodes. */
export const RELAY_PATH = '/relay/terminal';

/** Close codes of a relay (WebSocket private range). */
export const RelayCloseCode = {
  /** The other end did not prove the server identity. */
  notProven: 4401,
  /** A frame out of order or malformed. */
  protocolError: 4400,
} as const;

const Nonce = Type.String({ minLength: 40, maxLength: 64, pattern: '^[A-Za-z0-9+/=]+$' });
const Proof = Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9+/=]+$' });
const Size = {
  cols: Type.Integer({ minimum: 1, maximum: 1000 }),
  rows: Type.Integer({ minimum: 1, maximum: 1000 }),
};

/** What the client asks the agent's node to open. */
export const RelayOpenSchema = Type.Object(
  {
    sessionId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    machineId: Type.String({ minLength: 1, maxLength: 300 }),
    user: Type.String({ minLength: 1, maxLength: 128 }),
    ...Size,
  },
  { additionalProperties: false },
);

/** Client -> server JSON frames, by type. */
export const RelayClientFrames = {
  'relay-hello': Type.Object(
    { t: Type.Literal('relay-hello'), nonce: Nonce },
    { additionalProperties: false },
  ),
  'relay-auth': Type.Object(
    { t: Type.Literal('relay-auth'), proof: Proof, open: RelayOpenSchema },
    { additionalProperties: false },
  ),
  resize: Type.Object({ t: Type.Literal('resize'), ...Size }, { additionalProperties: false }),
  close: Type.Object({ t: Type.Literal('close') }, { additionalProperties: false }),
} as const;

/** Server -> client JSON frames, by type. */
export const RelayServerFrames = {
  'relay-challenge': Type.Object(
    { t: Type.Literal('relay-challenge'), nonce: Nonce, proof: Proof },
    { additionalProperties: false },
  ),
  opened: Type.Object(
    { t: Type.Literal('opened'), shell: Type.String({ maxLength: 256 }) },
    { additionalProperties: false },
  ),
  refused: Type.Object(
    { t: Type.Literal('refused'), reason: Type.String({ maxLength: 1024 }) },
    { additionalProperties: false },
  ),
  exit: Type.Object(
    {
      t: Type.Literal('exit'),
      exitCode: Type.Union([Type.Integer(), Type.Null()]),
      signal: Type.Union([Type.Integer(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  lost: Type.Object(
    { t: Type.Literal('lost'), reason: Type.String({ maxLength: 1024 }) },
    { additionalProperties: false },
  ),
} as const;

/** A client frame, by type. */
export type RelayClientFrame = {
  [K in keyof typeof RelayClientFrames]: Static<(typeof RelayClientFrames)[K]>;
};
/** A server frame, by type. */
export type RelayServerFrame = {
  [K in keyof typeof RelayServerFrames]: Static<(typeof RelayServerFrames)[K]>;
};
