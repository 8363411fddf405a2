/**
 * A handler for every message type of one direction of a link, each called with its own message
 * type and a context (the session or connection the message arrived on). Exhaustive on purpose:
 * a message type added to the protocol without a handler is a compile error, not a silent drop.
 *
 * The map is meant to be built once per module (handlers take their session as the context), so
 * a server holding a hundred thousand sessions does not hold a hundred thousand copies of it.
 */
export type MessageHandlers<M extends { [K in keyof M]: { t: K } }, C, R = void> = {
  readonly [K in keyof M]: (message: M[K], context: C) => R;
};

/** Calls the handler of the message's type: a map lookup, never a switch. */
export function dispatchMessage<M extends { [K in keyof M]: { t: K } }, C, R>(
  handlers: MessageHandlers<M, C, R>,
  message: M[keyof M],
  context: C,
): R {
  const handler = handlers[message.t as keyof M] as (message: M[keyof M], context: C) => R;
  return handler(message, context);
}
