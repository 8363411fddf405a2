import type { DeviceStore } from '../store/interfaces';
import type { WebhookStore } from '../store/webhook-record';
import type { DeviceMetrics, WebhookMetrics } from './server-metrics';

/**
 * The device store, counting what it records: each device check-in, and each wake-up's
 * outcome. The device services stay as they are; the counts follow the writes they make.
 */
export function countedDeviceStore(store: DeviceStore, metrics: DeviceMetrics): DeviceStore {
  return {
    ...store,
    async recordDeviceCheckin(...args) {
      await store.recordDeviceCheckin(...args);
      metrics.deviceCheckin();
    },
    async updateWake(id, patch) {
      await store.updateWake(id, patch);
      if (patch.status === 'sent' || patch.status === 'failed') metrics.deviceWake(patch.status);
    },
  };
}

/**
 * The webhook store, counting the deliveries it records: delivered, or failed (final when no
 * attempt is left and the delivery becomes a dead letter).
 */
export function countedWebhookStore(store: WebhookStore, metrics: WebhookMetrics): WebhookStore {
  return {
    ...store,
    async markDelivered(id, now) {
      await store.markDelivered(id, now);
      metrics.webhookDelivered();
    },
    async markFailed(id, error, nextAttemptAt) {
      await store.markFailed(id, error, nextAttemptAt);
      metrics.webhookFailed(nextAttemptAt === null);
    },
  };
}
