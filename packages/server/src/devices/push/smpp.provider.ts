import type { ConnectionOptions } from 'node:tls';
import smpp from 'smpp';
import { phoneNumberProblem } from './phone-number';
import type { WakeMessage, WakeOutcome, WakeProvider, WakeTarget } from './wake-provider';
import { refused } from './wake-provider';
import { errorMessage, type WakeAttemptResult, type WakeRetryOptions, withWakeRetry } from './wake-retry';

/** TLS settings for an SMSC reached over SMPP-over-TLS; passed to tls.connect. */
export type SmppTlsOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized' | 'minVersion'
>;

/** Configuration of the SMPP channel: the SMSC account Muster binds with. */
export interface SmppProviderOptions {
  host: string;
  /** Default 2775, or 3550 with TLS. */
  port?: number;
  /** `true` or TLS settings to connect with TLS; plain TCP when unset. */
  tls?: boolean | SmppTlsOptions;
  systemId: string;
  password: string;
  systemType?: string;
  /** Sender shown on the phone: a number, or an alphanumeric id where the operator allows it. */
  sourceAddr?: string;
  /** Override the type of number derived from `sourceAddr` (1 for +digits, 0 for bare digits, 5 alphanumeric). */
  sourceAddrTon?: number;
  /** Override the numbering plan derived from `sourceAddr` (1 E.164 for digits, 0 otherwise). */
  sourceAddrNpi?: number;
  /** Connect-and-bind timeout in ms; default 10000. */
  connectTimeoutMs?: number;
  /** submit_sm response timeout in ms; default 10000. */
  requestTimeoutMs?: number;
  /** enquire_link interval in ms that keeps idle binds alive through NATs and SMSC idle timers; default 30000. */
  enquireLinkPeriodMs?: number;
  retry?: WakeRetryOptions;
}

/** SMPP statuses that mean "not now": the SMSC is pacing us or its queue is full. */
const transientStatuses = new Set([0x58 /* ESME_RTHROTTLED */, 0x14 /* ESME_RMSGQFUL */]);

/** A failure on the way to an SMSC, carrying whether a later attempt can succeed. */
class SmppFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** "ESME_RTHROTTLED (0x00000058)" for a command_status, so failure reasons are readable. */
export function smppStatusName(status: number): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = Object.entries(smpp.errors).find(([, value]) => value === status)?.[0];
  return name ? `${name} (${hex})` : `status ${hex}`;
}

/** short_message holds at most 254 octets; longer texts go in the message_payload TLV. */
const shortMessageLimit = 254;

/**
 * Wakes devices by SMS through an SMSC over SMPP. It binds once as a transceiver and keeps the
 * bind: SMSCs limit binds per account and a bind costs a round trip plus authentication, so
 * binding per message would be slow and can get the account locked. A closed bind is replaced
 * on the next wake.
 */
export class SmppWakeProvider implements WakeProvider {
  /** Channel name the command queue records. */
  readonly channel = 'sms-smpp' as const;
  /** The session being bound or bound; `session` is known at once so close events can drop it synchronously. */
  private binding: { session: smpp.Session; ready: Promise<smpp.Session> } | undefined;
  private closed = false;

  /** Checks the configuration; no connection is made until the first wake. */
  constructor(private readonly options: SmppProviderOptions) {
    if (!options.host) throw new Error('SMPP needs a host');
    if (!options.systemId) throw new Error('SMPP needs a system_id');
  }

  /** Submits one SMS to `target.phoneNumber`, retrying throttling and queue-full answers. */
  async wake(target: WakeTarget, message: WakeMessage): Promise<WakeOutcome> {
    if (this.closed) return refused('SMPP provider is closed');
    const problem = phoneNumberProblem(target.deviceId, target.phoneNumber);
    if (problem) return refused(problem);
    const phone = target.phoneNumber!;
    const international = phone.startsWith('+');
    const params: Record<string, unknown> = {
      ...this.sourceParams(),
      // International numbers go without the "+": the type of number says it instead.
      destination_addr: international ? phone.slice(1) : phone,
      dest_addr_ton: international ? 1 : 0,
      dest_addr_npi: 1,
      registered_delivery: 0,
    };
    if (message.expiresAt !== undefined) params['validity_period'] = new Date(message.expiresAt);
    if (encodedLength(message.text) > shortMessageLimit) params['message_payload'] = message.text;
    else params['short_message'] = message.text;
    return withWakeRetry(() => this.submit(params), this.options.retry, message.expiresAt);
  }

  /** Unbinds politely and closes the connection; later wakes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const binding = this.binding;
    this.binding = undefined;
    const session = await binding?.ready.catch(() => undefined);
    if (!session || session.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      // An SMSC that never answers unbind must not hold shutdown hostage.
      const timer = setTimeout(() => session.destroy(), 2000);
      session.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!session.unbind({}, () => session.close())) session.destroy();
    });
  }

  /** source_addr and its TON/NPI, derived from the configured sender unless overridden. */
  private sourceParams(): Record<string, unknown> {
    const source = this.options.sourceAddr ?? '';
    const numeric = /^\+?\d+$/.test(source);
    const international = numeric && source.startsWith('+');
    // "+digits" is international, bare digits may be national or a short code (so "unknown"),
    // anything else is an alphanumeric sender id.
    return {
      source_addr: international ? source.slice(1) : source,
      source_addr_ton:
        this.options.sourceAddrTon ?? (source === '' ? 0 : international ? 1 : numeric ? 0 : 5),
      source_addr_npi: this.options.sourceAddrNpi ?? (numeric ? 1 : 0),
    };
  }

  /** One submit_sm on the bound session and its mapping onto a retry decision. */
  private async submit(params: Record<string, unknown>): Promise<WakeAttemptResult> {
    // A retry scheduled before close() must not open a new bind afterwards.
    if (this.closed) return { status: 'failed', reason: 'SMPP provider is closed', retryable: false };
    let session: smpp.Session;
    try {
      session = await this.boundSession();
    } catch (error) {
      const retryable = error instanceof SmppFailure ? error.retryable : true;
      return { status: 'failed', reason: errorMessage(error), retryable };
    }
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    return new Promise((resolve) => {
      const finish = (result: WakeAttemptResult): void => {
        clearTimeout(timer);
        session.off('close', onClose);
        resolve(result);
      };
      const onClose = (): void =>
        finish({ status: 'failed', reason: 'SMPP session closed before submit_sm_resp', retryable: true });
      const timer = setTimeout(() => {
        // No answer usually means a dead link that TCP has not noticed; a fresh bind is the cure.
        this.forget(session);
        session.destroy();
        finish({
          status: 'failed',
          reason: `SMSC did not answer submit_sm within ${timeoutMs} ms`,
          retryable: true,
        });
      }, timeoutMs);
      session.once('close', onClose);
      const written = session.submit_sm({ ...params }, (pdu) => {
        if (pdu.command_status === 0) {
          const id = typeof pdu['message_id'] === 'string' ? pdu['message_id'] : undefined;
          finish(id ? { status: 'sent', providerMessageId: id } : { status: 'sent' });
        } else {
          finish({
            status: 'failed',
            reason: `SMSC refused submit_sm: ${smppStatusName(pdu.command_status)}`,
            retryable: transientStatuses.has(pdu.command_status),
          });
        }
      });
      if (!written) {
        this.forget(session);
        finish({ status: 'failed', reason: 'SMPP connection is not writable', retryable: true });
      }
    });
  }

  /** The current bound session, binding anew when there is none. */
  private boundSession(): Promise<smpp.Session> {
    if (!this.binding) {
      const binding = this.connectAndBind();
      this.binding = binding;
      // A failed bind must not be cached, or every later wake would reuse the failure.
      binding.ready.catch(() => this.forget(binding.session));
    }
    return this.binding.ready;
  }

  /** Drops `session` as the current one, so the next wake binds afresh. */
  private forget(session: smpp.Session): void {
    if (this.binding?.session === session) this.binding = undefined;
  }

  /** Opens the connection and binds as a transceiver; `ready` settles with the bind's answer. */
  private connectAndBind(): { session: smpp.Session; ready: Promise<smpp.Session> } {
    const { tls } = this.options;
    const tlsOptions = typeof tls === 'object' ? tls : {};
    const secure = tls !== undefined && tls !== false;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    let session!: smpp.Session;
    const ready = new Promise<smpp.Session>((resolve, reject) => {
      session = smpp.connect(
        {
          ...tlsOptions,
          host: this.options.host,
          port: this.options.port ?? (secure ? 3550 : 2775),
          tls: secure,
          auto_enquire_link_period: this.options.enquireLinkPeriodMs ?? 30_000,
        },
        () => {
          session.bind_transceiver(
            {
              system_id: this.options.systemId,
              password: this.options.password,
              system_type: this.options.systemType ?? '',
            },
            (pdu) => {
              clearTimeout(timer);
              if (pdu.command_status === 0) {
                resolve(session);
                return;
              }
              // Bad credentials or a refused account fail the same way every time.
              reject(
                new SmppFailure(
                  `SMPP bind_transceiver as "${this.options.systemId}" rejected: ${smppStatusName(pdu.command_status)}`,
                  transientStatuses.has(pdu.command_status),
                ),
              );
              session.destroy();
            },
          );
        },
      );
      const timer = setTimeout(() => {
        reject(new SmppFailure(`SMPP connect and bind took longer than ${timeoutMs} ms`, true));
        session.destroy();
      }, timeoutMs);
      // After the bind, errors are followed by 'close', which is where the session is dropped.
      session.on('error', (error: unknown) => {
        reject(new SmppFailure(`SMPP connection error: ${errorMessage(error)}`, true));
      });
      session.on('close', () => {
        clearTimeout(timer);
        reject(new SmppFailure('SMPP connection closed before the bind completed', true));
        this.forget(session);
      });
      // A transceiver bind also receives: the SMSC waits for these answers and, without them,
      // resends, throttles or drops the bind.
      session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('deliver_sm', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: smpp.PDU) => {
        this.forget(session);
        session.send(pdu.response());
        session.close();
      });
    });
    return { session, ready };
  }
}

/** Octets the text takes in the encoding the smpp library will pick for it. */
function encodedLength(text: string): number {
  const name = smpp.encodings.detect(text);
  const encoding = name === 'ASCII' || name === 'LATIN1' ? smpp.encodings[name] : smpp.encodings.UCS2;
  return encoding.encode(text).length;
}
