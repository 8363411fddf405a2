/**
 * The contract every wake-up channel fulfils. The command queue asks a provider to nudge a device
 * ("check in now"); it only needs to know whether the nudge left Muster and, when it did not,
 * whether trying again later could help. Providers never throw from `wake`: every failure comes
 * back as an outcome, so the queue has one code path for all channels.
 */

/** Where to reach one device; each channel reads the field it needs and refuses the target without it. */
export interface WakeTarget {
  deviceId: string;
  /** APNs device token (hex), from the device's registration or MDM TokenUpdate. */
  pushToken?: string;
  /** E.164 number (digits, optional leading +) for the SMS channels. */
  phoneNumber?: string;
  /** The device's own wake endpoint, for the webhook channel. */
  webhookUrl?: string;
}

/** What to say to the device and for how long saying it still makes sense. */
export interface WakeMessage {
  text: string;
  /** Epoch milliseconds after which the wake is pointless (the command expired); no sends or retries after it. */
  expiresAt?: number;
  priority?: 'high' | 'normal';
  /** Lets the channel replace an earlier, still undelivered wake for the same purpose (APNs only). */
  collapseId?: string;
}

/**
 * The result of one `wake` call after any retries. `attempts` counts requests that reached the
 * network (0 when the target or message was refused up front); `retryable` tells the queue
 * whether scheduling another wake later could succeed.
 */
export type WakeOutcome =
  | { status: 'sent'; providerMessageId?: string; attempts: number }
  | { status: 'failed'; reason: string; retryable: boolean; attempts: number };

/** One wake-up channel. `close` releases its connections; a closed provider refuses further wakes. */
export interface WakeProvider {
  readonly channel: 'apns' | 'sms-smpp' | 'sms-http' | 'webhook';
  wake(target: WakeTarget, message: WakeMessage): Promise<WakeOutcome>;
  close(): Promise<void>;
}

/** Shorthand for an up-front refusal: nothing was sent, and the same input would fail again. */
export function refused(reason: string): WakeOutcome {
  return { status: 'failed', reason, retryable: false, attempts: 0 };
}
