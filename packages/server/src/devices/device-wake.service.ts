import type { PushChannel } from '@muster/protocol';
import type { ScopeFilter } from '../access/scope';
import { invalidInput, notFound } from '../domain/errors';
import { newId } from '../services/secrets';
import type { DeviceRecord, WakeRecord } from '../store/device-record';
import type { DeviceStore } from '../store/interfaces';
import type { WakeProvider } from './push/wake-provider';

/** The configured providers, by push channel kind (any may be missing). */
export interface WakeProviders {
  apns?: WakeProvider;
  sms?: WakeProvider;
  webhook?: WakeProvider;
}

/** The text a device shows: tap to open the agent app, which then checks in. */
export const WAKE_TEXT = 'Your IT administrator asks this device to check in: open the Muster agent app.';

/**
 * Requests immediate check-ins: every attempt is logged per device (queued, then sent or
 * failed with the provider's reason), and the next check-in marks it answered.
 */
export class DeviceWakeService {
  constructor(
    private readonly store: DeviceStore,
    private readonly providers: WakeProviders,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues a wake-up and sends it in the background; returns the queued record. */
  async request(deviceId: string, scope: ScopeFilter): Promise<WakeRecord> {
    // Out of scope the device is unknown, and nothing is sent to it.
    const device = await this.store.findDevice(deviceId.toLowerCase(), scope);
    if (!device) throw notFound(`no device "${deviceId}"`);
    if (!device.pushChannel)
      throw invalidInput(`device ${device.id} has no push channel; it checks in at its interval only`);
    return this.wake(device, device.pushChannel);
  }

  /** Queues a wake-up of a device already read (with its push channel) and sends it in the background. */
  async wake(device: DeviceRecord, channel: PushChannel): Promise<WakeRecord> {
    const wake: WakeRecord = {
      id: newId(),
      deviceId: device.id,
      channel: channel.kind,
      status: 'queued',
      reason: null,
      attempts: 0,
      requestedAt: this.clock(),
      sentAt: null,
      checkinAt: null,
    };
    await this.store.addWake(wake);
    void this.send(device, channel, wake).catch(this.onError);
    return wake;
  }

  private async send(device: DeviceRecord, channel: PushChannel, wake: WakeRecord): Promise<void> {
    const provider = this.providers[channel.kind];
    if (!provider) {
      await this.store.updateWake(wake.id, {
        status: 'failed',
        reason: `no ${channel.kind} provider is configured on this server`,
      });
      return;
    }
    const outcome = await provider.wake(
      {
        deviceId: device.id,
        ...(channel.kind === 'apns' ? { pushToken: channel.token } : {}),
        ...(channel.kind === 'sms' ? { phoneNumber: channel.phoneNumber } : {}),
        ...(channel.kind === 'webhook' ? { webhookUrl: channel.url } : {}),
      },
      { text: WAKE_TEXT, priority: 'high', expiresAt: this.clock() + 3600_000, collapseId: 'muster-checkin' },
    );
    await this.store.updateWake(
      wake.id,
      outcome.status === 'sent'
        ? { status: 'sent', attempts: outcome.attempts, sentAt: this.clock() }
        : { status: 'failed', attempts: outcome.attempts, reason: outcome.reason },
    );
  }

  list(deviceId: string): Promise<WakeRecord[]> {
    return this.store.wakes(deviceId.toLowerCase(), 200);
  }

  async close(): Promise<void> {
    for (const p of Object.values(this.providers)) await p?.close();
  }
}
