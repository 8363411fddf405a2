import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { TlsCredentials } from '../gateway/tls-credentials';
import type { StoreBackend } from '../store/interfaces';
import { DeviceService } from './device.service';
import { DeviceAdminService } from './device-admin.service';
import { buildDeviceApi } from './device-api.app';
import { DeviceWakeService, type WakeProviders } from './device-wake.service';
import { ApnsWakeProvider } from './push/apns.provider';
import { HttpSmsWakeProvider } from './push/http-sms.provider';
import { SmppWakeProvider } from './push/smpp.provider';
import { WebhookWakeProvider } from './push/webhook-wake.provider';

/** The device part of the server, built from the configuration. */
export interface DeviceModule {
  service: DeviceService;
  admin: DeviceAdminService;
  wakes: DeviceWakeService;
  api: FastifyInstance;
  /** Background: location retention and expired nonces. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the wake-up providers that the configuration enables. */
export function wakeProviders(config: ServerConfig): WakeProviders {
  const providers: WakeProviders = {};
  if (config.apnsCertFile && config.apnsKeyFile) {
    providers.apns = new ApnsWakeProvider({
      cert: readFileSync(config.apnsCertFile, 'utf8'),
      key: readFileSync(config.apnsKeyFile, 'utf8'),
      ...(config.apnsCaFile ? { ca: readFileSync(config.apnsCaFile, 'utf8') } : {}),
      baseUrl: config.apnsBaseUrl,
      topic: config.apnsTopic,
    });
  }
  if (config.smppHost) {
    providers.sms = new SmppWakeProvider({
      host: config.smppHost,
      port: config.smppPort,
      systemId: config.smppSystemId,
      password: config.smppPassword,
      sourceAddr: config.smppSourceAddr,
    });
  } else if (config.smsHttpUrl) {
    providers.sms = new HttpSmsWakeProvider({
      url: config.smsHttpUrl,
      ...(config.smsHttpToken ? { bearerToken: config.smsHttpToken } : {}),
    });
  }
  if (config.wakeWebhookSecret)
    providers.webhook = new WebhookWakeProvider({ secret: config.wakeWebhookSecret });
  return providers;
}

/** Wires devices: services, the device HTTPS endpoint and the wake-up providers. */
export async function createDeviceModule(options: {
  config: ServerConfig;
  store: StoreBackend;
  tls: TlsCredentials;
  serverId: () => string;
  clock: () => number;
  onError: (error: unknown) => void;
  log: FastifyBaseLogger;
}): Promise<DeviceModule> {
  const { config, store, clock, onError } = options;
  const wakes = new DeviceWakeService(store.devices, wakeProviders(config), clock, onError);
  const service = new DeviceService(store.devices, store.groups, wakes, options.serverId, clock, onError);
  const admin = new DeviceAdminService(
    store.devices,
    store.groups,
    config.deviceOverdueMarginMinutes * 60_000,
    clock,
  );
  const api = await buildDeviceApi(service, store.devices, options.tls, clock, options.log);
  return {
    service,
    admin,
    wakes,
    api,
    async sweep() {
      await store.devices.deleteExpiredNonces(clock());
      await store.devices.deleteLocationsReceivedBefore(
        clock() - config.deviceLocationRetentionDays * 86400_000,
        1000,
      );
    },
    async close() {
      await api.close();
      await wakes.close();
    },
  };
}
