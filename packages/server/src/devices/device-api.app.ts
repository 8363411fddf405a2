import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  DEVICE_API_PREFIX,
  DeviceCheckinRequestSchema,
  DeviceEnrollRequestSchema,
  DeviceResultsRequestSchema,
} from '@muster/protocol';
import type { Static } from '@sinclair/typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TlsCredentials } from '../gateway/tls-credentials';
import { registerErrorHandling } from '../http/error-handler';
import { assertJsonDepth } from '../http/json-depth';
import { lazySerializers } from '../http/lazy-serializers';
import { requestLogController } from '../http/request-log';
import type { DeviceStore } from '../store/interfaces';
import type { DeviceService } from './device.service';
import { authenticateDevice } from './device-request-auth';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/**
 * The HTTPS endpoint devices talk to (separate from the admin API, which stays on loopback):
 * enroll with a token, then signed check-ins and result reports.
 */
export async function buildDeviceApi(
  devices: DeviceService,
  store: DeviceStore,
  tls: TlsCredentials,
  clock: () => number,
  logger: FastifyBaseLogger,
): Promise<FastifyInstance> {
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: lazySerializers().buildSerializer } },
    https: { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
    loggerInstance: logger,
    logController: requestLogController(),
    bodyLimit: 2 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  // The signature covers the exact bytes sent, so the raw body is kept beside the parsed one.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    const text = (body as Buffer).toString('utf8');
    try {
      // The same depth limit as the admin API, checked before anything walks the value.
      assertJsonDepth(text);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error('body is not valid JSON') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });
  const authenticated = async (request: {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    rawBody?: Buffer;
  }) =>
    authenticateDevice(
      store,
      {
        method: request.method,
        path: request.url,
        headers: request.headers,
        rawBody: request.rawBody ?? Buffer.alloc(0),
      },
      clock(),
    );

  app.post(
    `${DEVICE_API_PREFIX}/enroll`,
    { schema: { body: DeviceEnrollRequestSchema } },
    async (request, reply) => reply.status(201).send(await devices.enroll(request.body)),
  );
  app.post(
    `${DEVICE_API_PREFIX}/checkin`,
    { schema: { body: DeviceCheckinRequestSchema } },
    async (request) => {
      const device = await authenticated(request);
      return devices.checkin(device, request.body as Static<typeof DeviceCheckinRequestSchema>);
    },
  );
  app.post(
    `${DEVICE_API_PREFIX}/results`,
    { schema: { body: DeviceResultsRequestSchema } },
    async (request) => {
      const device = await authenticated(request);
      return devices.results(device, request.body.results);
    },
  );
  return app;
}
