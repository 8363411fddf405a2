import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Headers of every webhook request:
 * - `x-muster-event`: the event type, e.g. `command.status`;
 * - `x-muster-delivery`: the delivery id, equal to the body's `id` and the same on every retry,
 *   so a receiver can drop duplicates;
 * - `x-muster-timestamp`: when this attempt was signed, epoch milliseconds;
 * - `x-muster-signature`: `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 */
export const WEBHOOK_HEADERS = {
  event: 'x-muster-event',
  delivery: 'x-muster-delivery',
  timestamp: 'x-muster-timestamp',
  signature: 'x-muster-signature',
} as const;

/** How far a receiver lets a signed timestamp stray from its clock by default: five minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The `x-muster-signature` value of one attempt. The timestamp is signed together with the
 * body so a captured request cannot be replayed later with a fresh timestamp header.
 */
export function signWebhook(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The receiver's clock, epoch ms; default Date.now(). */
  now?: number;
  /** Largest accepted |now - timestamp| in ms; default five minutes, Infinity turns the check off. */
  toleranceMs?: number;
}

/**
 * Checks a webhook request for receivers: the signature must match the raw body (the exact
 * bytes received, not re-serialised JSON) and the timestamp must be recent. The comparison runs
 * in constant time so a forger learns nothing from how long a wrong guess took.
 */
export function verifyWebhook(
  secret: string,
  timestamp: string | undefined,
  rawBody: string | Buffer,
  signature: string | undefined,
  options: VerifyWebhookOptions = {},
): boolean {
  if (!timestamp || !signature || !/^\d{1,16}$/.test(timestamp)) return false;
  const tolerance = options.toleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
  if (Math.abs((options.now ?? Date.now()) - Number(timestamp)) > tolerance) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
