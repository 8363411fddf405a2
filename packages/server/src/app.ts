import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AccessModule } from './access/access-module';
import type { AlertAdminService } from './alerts/alert-admin.service';
import { alertRoutes } from './alerts/alerts.routes';
import { registerAuditHook } from './audit/audit.hook';
import { auditRoutes } from './audit/audit.routes';
import type { AuditService } from './audit/audit.service';
import { auditedSettingsReaders } from './audit/audit-settings';
import type { DeviceModule } from './devices/wire-devices';
import type { FileService } from './files/file.service';
import { type Authenticators, registerAuthentication } from './http/authentication';
import { checkinControlRoutes } from './http/checkin-control.routes';
import { checkinHistoryRoutes } from './http/checkin-history.routes';
import { commandRoutes } from './http/commands.routes';
import { deviceRoutes } from './http/devices.routes';
import { registerErrorHandling } from './http/error-handler';
import { eventRoutes } from './http/events.routes';
import { fileRoutes } from './http/files.routes';
import { healthRoutes, type ReadinessChecks } from './http/health.routes';
import { installTokenRoutes } from './http/install-tokens.routes';
import { registerJsonBodyParser } from './http/json-body.parser';
import { type LazySerializers, lazySerializers } from './http/lazy-serializers';
import { machinesRoutes } from './http/machines.routes';
import { notificationRoutes } from './http/notifications.routes';
import { registerComponents } from './http/openapi-components';
import { openapiOptions } from './http/openapi-document';
import { requestLogController } from './http/request-log';
import { rolesAndScopesRoutes } from './http/roles-scopes.routes';
import { registerRoutePermissions } from './http/route-permission';
import { type ServerInfo, serverRoutes } from './http/server.routes';
import { sessionRoutes } from './http/session.routes';
import { type TerminalRoutesServices, terminalRoutes } from './http/terminal.routes';
import { tokensRoutes } from './http/tokens.routes';
import { usersRoutes } from './http/users.routes';
import { metricsRoutes } from './metrics/metrics.routes';
import { replicationRoutes } from './replication/replication.routes';
import type { ReplicationControlService } from './replication/replication-control.service';
import type { ReplicationWatch } from './replication/replication-watch';
import type { CheckinControlService } from './services/checkin-control.service';
import type { CheckinHistoryService } from './services/checkin-history.service';
import type { CheckinPolicyService } from './services/checkin-policy.service';
import type { CommandQueueService } from './services/command-queue.service';
import type { EventHub } from './services/event-hub';
import type { InstallTokenService } from './services/install-token.service';
import type { MachineRemovalService } from './services/machine-removal.service';
import type { MachinesService } from './services/machines.service';
import type { NotificationService } from './services/notification.service';
import type { ServerIdentityService } from './services/server-identity.service';
import type { WebhookService } from './webhooks/webhook.service';
import { webhookRoutes } from './webhooks/webhooks.routes';

/** The services the HTTP API calls into. */
export interface AppServices {
  /** Users, roles, scopes, tokens and sessions. */
  access: AccessModule;
  /** How callers are recognized; by default API tokens and console sessions of `access`. */
  authenticators?: Authenticators;
  /** A failed sign-in is answered after this long (default 1 s). */
  signInFailureDelayMs?: number;
  machines: MachinesService;
  machineRemoval: MachineRemovalService;
  /** Each machine's connections (check-in history). */
  checkinHistory: CheckinHistoryService;
  checkinControl: CheckinControlService;
  policies: CheckinPolicyService;
  installTokens: InstallTokenService;
  notifications: NotificationService;
  identity: ServerIdentityService;
  serverInfo: ServerInfo;
  commands: CommandQueueService;
  events: EventHub;
  webhooks: WebhookService;
  /** Alert rules, alerts and maintenance windows. */
  alerts: AlertAdminService;
  files: FileService;
  replication: { control: ReplicationControlService; watch: ReplicationWatch; reportStaleMs: number };
  devices: Pick<DeviceModule, 'service' | 'admin' | 'wakes'>;
  audit: AuditService;
  /** Remote terminals: the WebSocket, sessions, recordings. */
  terminals: TerminalRoutesServices;
  clock: () => number;
  /** Probes and metrics for operators: /healthz, /readyz, /metrics (with its own token). */
  operations: { readiness: ReadinessChecks; metrics: Registry; metricsToken: string };
}

/**
 * Builds the HTTP API without listening, so tests can inject requests and main.ts can decide
 * where it listens. Every route is under /api/v1 and every request needs a credential, except
 * the few public routes (signing in, the OpenAPI document), and the operators' probes and
 * metrics at the root, where supervisors and Prometheus look for them.
 */
export async function buildApp(
  services: AppServices,
  logger: FastifyBaseLogger | boolean = false,
  serializers: LazySerializers = lazySerializers(),
): Promise<FastifyInstance> {
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: serializers.buildSerializer } },
    loggerInstance: typeof logger === 'boolean' ? undefined : logger,
    logger: typeof logger === 'boolean' ? logger : undefined,
    logController: requestLogController(),
    // Room for one command to 100,000 devices by id (about 3 MiB).
    bodyLimit: 16 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  await registerAuthentication(app, services.authenticators ?? accessAuthenticators(services.access));
  registerAuditHook(app, services.audit, auditedSettingsReaders(services));
  registerRoutePermissions(app);
  registerComponents(app);
  await app.register(swagger, openapiOptions(services.serverInfo.version));
  // A terminal's frames are small: keystrokes in, and a resize; output goes the other way.
  await app.register(websocket, { options: { maxPayload: 128 * 1024, perMessageDeflate: false } });
  healthRoutes(app, services.operations.readiness);
  metricsRoutes(app, services.operations.metrics, services.operations.metricsToken);
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<TypeBoxTypeProvider>();
      machinesRoutes(typed, services.machines, services.machineRemoval);
      checkinHistoryRoutes(typed, services.checkinHistory);
      checkinControlRoutes(typed, services.checkinControl, services.policies);
      installTokenRoutes(typed, services.installTokens);
      notificationRoutes(typed, services.notifications);
      serverRoutes(typed, services.identity, services.serverInfo, services.clock);
      commandRoutes(typed, services.commands, services.machines);
      eventRoutes(typed, services.events);
      webhookRoutes(typed, services.webhooks);
      alertRoutes(typed, services.alerts);
      fileRoutes(typed, services.files);
      replicationRoutes(
        typed,
        services.replication.control,
        services.machines,
        services.replication.watch,
        services.replication.reportStaleMs,
        services.clock,
      );
      deviceRoutes(typed, services.devices.service, services.devices.admin, services.devices.wakes);
      auditRoutes(typed, services.audit);
      terminalRoutes(typed, services.terminals);
      const people = {
        ...services.access,
        audit: services.audit,
        failureDelayMs: services.signInFailureDelayMs ?? 1000,
      };
      sessionRoutes(typed, people);
      usersRoutes(typed, people);
      rolesAndScopesRoutes(typed, people);
      tokensRoutes(typed, people);
      // Public: the document describes the API and holds no data, and clients are generated from it.
      typed.get('/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, () =>
        app.swagger(),
      );
    },
    { prefix: '/api/v1' },
  );
  return app;
}

/** API tokens and console sessions, as the access module resolves them. */
export function accessAuthenticators(access: AccessModule): Authenticators {
  return {
    bearer: (token, address) => access.principals.fromBearer(token, address),
    async session(secret, address) {
      const found = await access.principals.fromSession(secret, address);
      if (!found) return null;
      const { session } = found.session;
      return {
        principal: found.principal,
        sessionId: session.id,
        csrfMatches: (presented) => access.sessions.checkCsrf(session, presented),
      };
    },
  };
}
