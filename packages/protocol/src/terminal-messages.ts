import { type Static, Type } from '@sinclair/typebox';

/**
 * A remote terminal rides the agent's own connection as a stream of its own: the server asks
 * for a pseudo-terminal with a signed `terminal-open`, then bytes flow both ways in
 * `terminal-input` and `terminal-output` frames. Both directions are flow-controlled by credit:
 * a side sends at most a window of bytes that the other has not yet acknowledged, so a flood
 * in either direction stalls its own stream, never the check-ins and commands beside it.
 */

/** The most terminal bytes one frame carries (base64 makes it 128 KiB, inside the frame limit). */
export const TERMINAL_CHUNK_BYTES = 96 * 1024;

/** Output an agent may send ahead of the server's acknowledgements. */
export const TERMINAL_OUTPUT_WINDOW_BYTES = 1024 * 1024;

/** Input a server may send ahead of the agent's acknowledgements. */
export const TERMINAL_INPUT_WINDOW_BYTES = 256 * 1024;

/** Terminal sizes either side accepts; anything else is refused, never clamped silently. */
export const TERMINAL_MAX_COLS = 1000;
/** The most rows a terminal may have. */
export const TERMINAL_MAX_ROWS = 1000;

/** How far a `terminal-open` may be from the agent's clock before the agent refuses it. */
export const TERMINAL_OPEN_MAX_SKEW_MS = 5 * 60 * 1000;

const SessionId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Cols = Type.Integer({ minimum: 1, maximum: TERMINAL_MAX_COLS });
const Rows = Type.Integer({ minimum: 1, maximum: TERMINAL_MAX_ROWS });
const Data = Type.String({
  maxLength: Math.ceil(TERMINAL_CHUNK_BYTES / 3) * 4,
  pattern: '^[A-Za-z0-9+/=]*$',
});
const Bytes = Type.Integer({ minimum: 1, maximum: 64 * 1024 * 1024 });

/**
 * Server asks the agent for a pseudo-terminal running the machine's shell; signed by the server
 * identity over `terminalOpenSigningBytes`, so only the agent's own server can open one.
 */
export const TerminalOpenSchema = Type.Object(
  {
    t: Type.Literal('terminal-open'),
    sessionId: SessionId,
    machineId: Type.String({ maxLength: 300 }),
    /** The user who asked, for the agent's log: the server decided the permission. */
    user: Type.String({ minLength: 1, maxLength: 128 }),
    cols: Cols,
    rows: Rows,
    issuedAt: Type.Integer({ minimum: 0 }),
    signature: Type.String({ maxLength: 256 }),
  },
  { additionalProperties: false },
);
/** A terminal-open request as the agent receives it. */
export type TerminalOpenMessage = Static<typeof TerminalOpenSchema>;

/** Keystrokes (or pasted text) for the terminal, in order. */
export const TerminalInputSchema = Type.Object(
  { t: Type.Literal('terminal-input'), sessionId: SessionId, data: Data },
  { additionalProperties: false },
);

/** The terminal's new size. */
export const TerminalResizeSchema = Type.Object(
  { t: Type.Literal('terminal-resize'), sessionId: SessionId, cols: Cols, rows: Rows },
  { additionalProperties: false },
);

/** Server ends the session: the agent closes the pseudo-terminal and kills its shell. */
export const TerminalCloseSchema = Type.Object(
  { t: Type.Literal('terminal-close'), sessionId: SessionId },
  { additionalProperties: false },
);

/** Server took `bytes` more of the output: the agent may send that much more. */
export const TerminalOutputAckSchema = Type.Object(
  { t: Type.Literal('terminal-output-ack'), sessionId: SessionId, bytes: Bytes },
  { additionalProperties: false },
);

/** Agent opened the pseudo-terminal; output follows. */
export const TerminalOpenedSchema = Type.Object(
  { t: Type.Literal('terminal-opened'), sessionId: SessionId, shell: Type.String({ maxLength: 256 }) },
  { additionalProperties: false },
);

/** Agent refused or failed to open a terminal (bad signature, no shell, too many sessions). */
export const TerminalRefusedSchema = Type.Object(
  { t: Type.Literal('terminal-refused'), sessionId: SessionId, reason: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);

/** Bytes the terminal printed, in order. */
export const TerminalOutputSchema = Type.Object(
  { t: Type.Literal('terminal-output'), sessionId: SessionId, data: Data },
  { additionalProperties: false },
);

/** Agent wrote `bytes` more of the input to the terminal: the server may send that much more. */
export const TerminalInputAckSchema = Type.Object(
  { t: Type.Literal('terminal-input-ack'), sessionId: SessionId, bytes: Bytes },
  { additionalProperties: false },
);

/** The shell ended (or the agent closed the session); nothing more comes for this session. */
export const TerminalExitSchema = Type.Object(
  {
    t: Type.Literal('terminal-exit'),
    sessionId: SessionId,
    exitCode: Type.Union([Type.Integer(), Type.Null()]),
    signal: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** Terminal messages a server sends. */
export const ServerTerminalMessages = {
  'terminal-open': TerminalOpenSchema,
  'terminal-input': TerminalInputSchema,
  'terminal-resize': TerminalResizeSchema,
  'terminal-close': TerminalCloseSchema,
  'terminal-output-ack': TerminalOutputAckSchema,
} as const;

/** Terminal messages an agent sends. */
export const AgentTerminalMessages = {
  'terminal-opened': TerminalOpenedSchema,
  'terminal-refused': TerminalRefusedSchema,
  'terminal-output': TerminalOutputSchema,
  'terminal-input-ack': TerminalInputAckSchema,
  'terminal-exit': TerminalExitSchema,
} as const;

/** The bytes a terminal-open signature covers: every field the agent acts on, in a fixed order. */
export function terminalOpenSigningBytes(
  m: Pick<TerminalOpenMessage, 'sessionId' | 'machineId' | 'user' | 'cols' | 'rows' | 'issuedAt'>,
): Buffer {
  return Buffer.from(
    JSON.stringify(['muster-terminal-v1', m.sessionId, m.machineId, m.user, m.cols, m.rows, m.issuedAt]),
    'utf8',
  );
}

/** The terminal messages an agent sends, by type (what a handler map over them covers). */
export type AgentTerminalMessageByType = {
  [K in keyof typeof AgentTerminalMessages]: Static<(typeof AgentTerminalMessages)[K]>;
};
/** A terminal message an agent sends, discriminated by `t`. */
export type AgentTerminalMessage = AgentTerminalMessageByType[keyof AgentTerminalMessageByType];

/** The terminal messages a server sends, by type (what a handler map over them covers). */
export type ServerTerminalMessageByType = {
  [K in keyof typeof ServerTerminalMessages]: Static<(typeof ServerTerminalMessages)[K]>;
};
/** A terminal message a server sends, discriminated by `t`. */
export type ServerTerminalMessage = ServerTerminalMessageByType[keyof ServerTerminalMessageByType];
