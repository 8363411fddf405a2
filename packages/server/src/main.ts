import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { wireAccess } from './access/access-module';
import { AgentBuilds, agentBuildDirectory } from './agent-install/agent-builds';
import { agentInstallRoutes } from './agent-install/agent-install.routes';
import { AgentUpdateRollout } from './agent-install/agent-update-rollout';
import { AlertAdminService } from './alerts/alert-admin.service';
import { AlertDispatcher } from './alerts/alert-dispatcher';
import { AlertEvaluator } from './alerts/alert-evaluator';
import { type SmtpSettings, smtpMailer } from './alerts/smtp-mailer';
import { buildApp } from './app';
import { AuditService } from './audit/audit.service';
import type { Bus } from './bus/bus';
import { inProcessBus } from './bus/in-process.bus';
import { postgresBus } from './bus/postgres.bus';
import { type ServerConfig, sqliteFileOf } from './config';
import { claimDataDir, type DataDirClaim } from './data-dir-claim';
import { createDeviceModule } from './devices/wire-devices';
import { ErrorCode, MusterError } from './domain/errors';
import { FileService } from './files/file.service';
import { FileTransferService } from './files/file-transfer.service';
import { AgentGateway } from './gateway/agent-gateway';
import type { AgentSession } from './gateway/agent-session';
import { CommandDispatcher } from './gateway/command-dispatcher';
import { agentConnectionLimit, openFileLimit } from './gateway/connection-limit';
import { SessionRegistry } from './gateway/session-registry';
import { loadTlsCredentials } from './gateway/tls-credentials';
import { applyHeapGrowth } from './heap-growth';
import { consoleDirectory, serveConsole } from './http/console-static';
import type { LazySerializers } from './http/lazy-serializers';
import { serverLanSubnets } from './lan-subnets';
import { countedDeviceStore, countedWebhookStore } from './metrics/counted-stores';
import { createMetricsRegistry } from './metrics/metrics-registry';
import { ReplicationPasses } from './metrics/replication-passes';
import { ServerMetrics, storeQueryObserver } from './metrics/server-metrics';
import { nodeIdOf } from './node-id';
import { checkSchedule, ReplicationControlService } from './replication/replication-control.service';
import { ReplicationWatch } from './replication/replication-watch';
import { listening } from './server-start-error';
import { AgentAdmissionService } from './services/agent-admission.service';
import { CheckinCoalescer } from './services/checkin-coalescer';
import { CheckinControlService } from './services/checkin-control.service';
import { CheckinHistoryService } from './services/checkin-history.service';
import { CheckinPolicyService } from './services/checkin-policy.service';
import { CommandQueueService } from './services/command-queue.service';
import { EventHub } from './services/event-hub';
import { InstallTokenService } from './services/install-token.service';
import { LanGatewayDetector } from './services/lan-gateway.detector';
import { MachineRemovalService } from './services/machine-removal.service';
import { MachinesService } from './services/machines.service';
import { NotificationService } from './services/notification.service';
import { QueueMaintenance } from './services/queue-maintenance';
import { ServerIdentityService } from './services/server-identity.service';
import { TemporaryAgentReaper } from './services/temporary-agent-reaper';
import type { CommandChange } from './store/command-record';
import { openSqlStore } from './store/sql/sql-store';
import { AgentTerminals } from './terminal/agent-terminals';
import { wireTerminals } from './terminal/wire-terminals';
import { WebhookService } from './webhooks/webhook.service';

/**
 * Check-in control procedures come before any work an administrator queued (whose priority
 * the API caps at 100): an agent should not run a queue of scripts on stale settings.
 */
const SETTINGS_PRIORITY = 1000;

/** Rows of the queue depth at most (status × type): bounds each scrape's work and series. */
const QUEUE_DEPTH_ROWS = 500;

/** The version reported by the API and to agents. */
export const SERVER_VERSION = '0.1.0';

/** A running server. */
export interface RunningServer {
  httpUrl: string;
  /** The HTTPS endpoint devices check in to. */
  deviceUrl: string;
  agentPorts: number[];
  serverId: string;
  adminTokenFile: string;
  /** The admin token when this start created it (first start), else null. */
  createdAdminToken: string | null;
  /** The file holding the console password of `admin`, when this start made one (first start). */
  adminPasswordFile: string | null;
  /** The HTTP API, for Fastify's `inject` in tests that start without listening. */
  app: FastifyInstance;
  close(): Promise<void>;
}

/** How a server starts. */
export interface StartOptions {
  /**
   * Bind the ports (the default). Without, everything is wired and running but nothing
   * listens: route tests call the API through `app.inject`, with no socket in between.
   */
  listen?: boolean;
  /** How the API builds its response serializers (each on first use by default). */
  serializers?: LazySerializers;
}

/**
 * Starts the server on a data directory it holds alone (a second server on the same one is
 * refused). A start that fails, for example on a port in use, closes what it opened and removes
 * what it created, so the next attempt starts as clean as the first.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  // Each part logs through its own child of a root without bindings: pino writes a child's
  // bindings after its parent's, so a child of a logger that has a `component` repeats the key.
  const logRoot = pino({ level: config.logLevel });
  applyHeapGrowth(config.heapGrowthPercent);
  const claim = claimDataDir(config.dataDir);
  const undo: Array<() => unknown> = [];
  try {
    return await wireServer(config, logRoot, claim, undo, options);
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // The start's own error is the one to report; a part that fails to close adds nothing.
      }
    }
    claim.abandon();
    throw error;
  }
}

/**
 * Wires the server by hand: store, bus, services, gateway and HTTP API. This is the only
 * place that knows every part. `undo` collects how to close each part opened so far, for a
 * start that fails before it is complete.
 */
async function wireServer(
  config: ServerConfig,
  logRoot: Logger,
  claim: DataDirClaim,
  undo: Array<() => unknown>,
  options: StartOptions,
): Promise<RunningServer> {
  const listen = options.listen ?? true;
  const log = logRoot.child({ component: 'server' });
  const clock = () => Date.now();
  // Counted in memory on the hot paths, read at scrape time (GET /metrics).
  const metrics = new ServerMetrics();
  const store = await openSqlStore(
    config.databaseUrl
      ? { postgresUrl: config.databaseUrl }
      : {
          sqliteFile: sqliteFileOf(config),
          onFileLost: (message) => log.error({ dataDir: config.dataDir }, message),
        },
    { onQuery: storeQueryObserver(metrics) },
  );
  undo.push(() => store.close());
  const onError = (error: unknown) => {
    // A lost store is logged once, with why, when it is noticed; each refused write says it again.
    if (error instanceof MusterError && error.code === ErrorCode.storeUnavailable) return;
    log.error({ err: error }, 'background task failed');
  };
  const bus: Bus = config.databaseUrl
    ? await postgresBus(config.databaseUrl, onError)
    : inProcessBus(onError);
  undo.push(() => bus.close());
  // A single node holds no sessions when it starts; with PostgreSQL other nodes may, and their
  // flags expire by themselves through last-seen.
  if (!config.databaseUrl) await store.machines.markAllDisconnected();

  const identity = new ServerIdentityService(store.identity);
  await identity.load(clock());
  // People: users, roles, scopes, API tokens and console sessions (a Principal per request).
  const access = wireAccess(store, clock, onError);
  access.start();
  undo.push(() => access.stop());

  const registry = new SessionRegistry<AgentSession>();
  const agentTerminals = new AgentTerminals(() => identity.identity, clock);
  // Alerts: rules evaluated on a timer (never per check-in), warnings and command outcomes as
  // they happen; their messages go out through an outbox in the store.
  const alertEvaluator = new AlertEvaluator(
    store.alerts,
    store.machines,
    { intervalMs: config.alertEvaluateMs },
    clock,
    onError,
  );
  const notifications = new NotificationService(store.notifications, clock, (type, machineId, message, key) =>
    alertEvaluator.onWarning(type, machineId, message, key),
  );
  const policies = new CheckinPolicyService(store.groups, store.policies);
  // Sessions this node held when it last ran are gone, whether it stopped or was killed: their
  // flags are cleared before anyone is admitted, so the store never shows them connected.
  const nodeId = nodeIdOf(config.dataDir);
  const released = await store.checkins.releaseConnections(nodeId);
  // A warning: the last run was killed, or its shutdown could not write its sessions' ends.
  if (released > 0) log.warn({ nodeId, released }, "cleared connected flags left by this node's last run");
  // Their history entries end too, as lost with this node (when, exactly, no one wrote down).
  await store.connectionHistory.closeLeftOpen(nodeId, clock());
  const coalescer = new CheckinCoalescer(store.checkins, config.checkinFlushMs, onError, nodeId, {
    store: store.connectionHistory,
    keepPerMachine: config.checkinHistoryKeep,
  });
  const admission = new AgentAdmissionService(store.installTokens, store.machines, notifications, clock);
  const lanDetector = new LanGatewayDetector(
    serverLanSubnets(config.lanSubnets, config.lanSubnetsFromInterfaces),
    notifications,
  );
  const reaper = new TemporaryAgentReaper(
    store.machines,
    bus,
    config.temporaryAgentOfflineSeconds * 1000,
    Math.min(60_000, config.temporaryAgentOfflineSeconds * 500),
    clock,
    onError,
  );
  const webhooks = new WebhookService(
    countedWebhookStore(store.webhooks, metrics),
    {
      pollMs: config.webhookPollMs,
      retryBaseMs: config.webhookRetryBaseMs,
      maxAttempts: config.webhookMaxAttempts,
      allowLocal: config.webhookAllowLocal,
    },
    clock,
    onError,
  );
  const alertDispatcher = new AlertDispatcher(
    store.alerts,
    store.webhooks,
    config.smtpHost ? smtpMailer(smtpSettingsOf(config)) : null,
    {
      pollMs: config.alertPollMs,
      retryBaseMs: config.alertRetryBaseMs,
      maxAttempts: config.alertMaxAttempts,
      webhookAllowLocal: config.webhookAllowLocal,
    },
    clock,
    onError,
  );
  const onLocalCommandChanges = (changes: readonly CommandChange[]) => {
    alertEvaluator.onCommandChanges(changes);
    return webhooks.onCommandChanges(changes);
  };
  const events = new EventHub(bus, onLocalCommandChanges, {
    machines: store.machines,
    live: (machineId) => registry.get(machineId)?.liveFacts(),
    clock,
    onError,
  });
  const tls = await loadTlsCredentials({
    certFile: config.tlsCert || undefined,
    keyFile: config.tlsKey || undefined,
    dataDir: config.dataDir,
    names: config.tlsNames,
    warn: (message) => log.warn({}, message),
  });
  const devices = await createDeviceModule({
    config,
    store: { ...store, devices: countedDeviceStore(store.devices, metrics) },
    tls,
    serverId: () => identity.identity.serverId,
    clock,
    onError,
    log: logRoot.child({ component: 'devices' }),
  });
  undo.push(() => devices.close());
  const files = new FileService(store.files, config.fileMaxBytes, clock);
  // A lost audit entry must be seen: the change it records has happened already.
  const audit = new AuditService(store.audit, clock, (error, entry) => {
    // A lost store is logged once, with why, when it is noticed (see onError).
    if (error instanceof MusterError && error.code === ErrorCode.storeUnavailable) return;
    log.error({ err: error, action: entry.action, user: entry.userName }, 'audit entry could not be written');
  });
  const commands = new CommandQueueService(
    store.commands,
    store.machines,
    store.machines,
    devices.service,
    events,
    bus,
    {
      maxAttempts: config.commandMaxAttempts,
      defaultTtlSeconds: config.commandDefaultTtlSeconds,
      leaseSeconds: config.commandLeaseSeconds,
      outputLimitBytes: config.commandOutputLimitBytes,
    },
    clock,
    // put-file carries the file's size and hash, signed, so the agent can check what it got;
    // the file must be one the caller may read.
    {
      'put-file': async (params, scope) => ({
        ...params,
        ...(await files.forPut(String(params.fileId ?? ''), scope)),
      }),
    },
  );
  devices.service.attachQueue(commands);
  // Settings travel as a queued procedure, ahead of ordinary work (priority), so each change
  // shows in the machine's pending procedures with its result.
  const checkinControl = new CheckinControlService(store.machines, policies, async (changes) => {
    await commands.enqueueEach(
      'update-checkin-control',
      changes.map((c) => ({
        machineId: c.machineId,
        groupId: c.groupId,
        params: { checkinControl: c.checkinControl, revision: c.revision },
      })),
      SETTINGS_PRIORITY,
    );
  });
  const maintenance = new QueueMaintenance(
    store.commands,
    events,
    bus,
    {
      sweepIntervalMs: config.queueSweepMs,
      retentionMs: config.commandRetentionDays * 86400_000,
      batchSize: 500,
    },
    clock,
    onError,
  );
  const dispatcher = new CommandDispatcher(
    commands,
    () => identity.identity,
    clock,
    (fields, msg) => log.warn(fields, msg),
    metrics,
  );
  // A command for an idle agent of this node is stored handed out and sent, with no claim.
  commands.handOutLocallyThrough(
    dispatcher.localHandout((machineId) => {
      const session = registry.get(machineId);
      return session?.active ? session : undefined;
    }),
  );
  const agentBuilds = new AgentBuilds(agentBuildDirectory(config.agentBuildDir));
  const fileTransfers = new FileTransferService(
    store.files,
    store.commands,
    config.commandLeaseSeconds * 1000,
    config.fileMaxBytes,
    clock,
    (sha256, offset, length) => agentBuilds.read(sha256, offset, length),
  );
  const replicationStaleMs = config.replicationReportStaleSeconds * 1000;
  const replicationWatch = new ReplicationWatch(
    store.replication,
    notifications,
    {
      inactiveAfterMs: config.replicationInactiveSeconds * 1000,
      reportStaleMs: replicationStaleMs,
      intervalMs: config.replicationWatchMs,
    },
    clock,
    onError,
    (local, active) => {
      events.localServerChanged({ ...local, active });
      if (active) void alertEvaluator.clearWarning('local-server-inactive', local.machineId);
    },
  );
  const replicationPasses = new ReplicationPasses(metrics, clock());
  // Role procedures go ahead of ordinary work but after check-in control settings.
  const replication = new ReplicationControlService(
    store.replication,
    store.machines,
    async (type, machine, params) => {
      const [queued] = await commands.enqueueEach(
        type,
        [{ machineId: machine.id, groupId: machine.groupId, params }],
        SETTINGS_PRIORITY - 1,
      );
      return queued?.id ?? '';
    },
    {
      deleteDelaySeconds: config.replicationDeleteDelaySeconds,
      retention: {
        keepLast: config.snapshotKeepLast,
        daily: config.snapshotKeepDaily,
        weekly: config.snapshotKeepWeekly,
      },
      verifySchedule: checkSchedule(config.replicationVerifySchedule),
    },
    notifications,
    clock,
  );
  const terminals = wireTerminals({
    store,
    nodeId,
    identity: () => identity.identity,
    agents: registry,
    agentTerminals,
    bus,
    audit,
    clock,
    config,
    log: logRoot.child({ component: 'terminal' }),
    onError,
  });
  const openFiles = openFileLimit();
  const maxAgentConnections = agentConnectionLimit(config.maxAgentConnections, openFiles);
  logRoot.info(
    // JSON has no Infinity: a node without a limit says so in words.
    {
      maxAgentConnections: Number.isFinite(maxAgentConnections) ? maxAgentConnections : 'unlimited',
      openFiles,
    },
    'agent connections this node holds at most',
  );
  const gateway = new AgentGateway(
    tls,
    {
      identity: () => identity.identity,
      admission,
      coalescer,
      machines: store.machines,
      lanDetector,
      registry,
      dispatcher,
      files: fileTransfers,
      replication,
      terminals: agentTerminals,
      onCheckin: (machineId, at) => {
        metrics.agentCheckin();
        events.checkin(machineId, at);
      },
      onMachineChange: (machineId, change, at, live) => {
        if (change === 'disconnected') alertEvaluator.machineDisconnected(machineId);
        events.machineChanged(machineId, change, at, live);
      },
      onLocalServerReport: (machineId, id, report, at) => {
        replicationPasses.report(id, report);
        events.localServerChanged({ id, machineId, report, reportedAt: at, active: report.active });
      },
      metrics,
      clock,
      authFailureDelayMs: config.authFailureDelayMs,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      log: logRoot.child({ component: 'gateway' }),
    },
    bus,
    {
      maxPendingHandshakes: config.maxPendingHandshakes,
      maxPendingHandshakesPerAddress: config.maxPendingHandshakesPerAddress,
      reconnectRatePerSecond: config.agentReconnectRate,
      maxAgentConnections,
    },
  );
  identity.onChange(() => gateway.dropAll('server identity changed'));
  const unsubscribeIdentity = bus.subscribe((event) => {
    if (event.type === 'identity-changed') identity.reload().catch(onError);
  });

  gateway.onRelay(terminals.acceptRelay);
  undo.push(() => gateway.close());
  const agentPorts = listen
    ? await listening('agent gateway', '--agent-host and --agent-port', () =>
        gateway.listen({ host: config.agentHost, ports: config.agentPorts }),
      )
    : [];
  await terminals.start(agentPorts);
  undo.push(() => terminals.stop());
  coalescer.start();
  reaper.start();
  maintenance.start();
  webhooks.start();
  replicationWatch.start();
  alertEvaluator.start();
  alertDispatcher.start();
  const rollout = new AgentUpdateRollout(
    agentBuilds,
    {
      groups: config.agentUpdateGroups,
      concurrency: config.agentUpdateConcurrency,
      trialSeconds: config.agentUpdateTrialSeconds,
      intervalMs: config.agentUpdateIntervalMs,
    },
    {
      connected: () => registry.values(),
      updatesInFlight: async () =>
        (await store.monitoring.queueDepth(QUEUE_DEPTH_ROWS))
          .filter((row) => row.type === 'update-agent')
          .reduce((sum, row) => sum + row.count, 0),
      enqueue: async (machineIds, params) => {
        await commands.enqueue({
          targets: { machines: machineIds },
          type: 'update-agent',
          params,
          createdBy: 'server',
        });
      },
      onError,
    },
  );
  rollout.start();
  undo.push(
    () => rollout.stop(),
    () => alertEvaluator.stop(),
    () => alertDispatcher.stop(),
    () => coalescer.stop(),
    () => reaper.stop(),
    () => maintenance.stop(),
    () => webhooks.stop(),
    () => replicationWatch.stop(),
  );

  // What /readyz reports of this node besides its store.
  const lifecycle = { listening: false, closing: false };
  const machines = new MachinesService(store.machines, (id) => registry.has(id), bus, clock);
  const app = await buildApp(
    {
      access,
      machines,
      checkinHistory: new CheckinHistoryService(store.connectionHistory, machines),
      machineRemoval: new MachineRemovalService(
        store.machineRemoval,
        (changes) => events.commandChanges(changes),
        bus,
        clock,
      ),
      checkinControl,
      policies,
      installTokens: new InstallTokenService(
        store.groups,
        store.installTokens,
        store.machines,
        clock,
        config.installTokenExpirySeconds === 0 ? null : config.installTokenExpirySeconds,
      ),
      notifications,
      identity,
      serverInfo: {
        version: SERVER_VERSION,
        agentPorts: () => agentPorts,
        connectedAgents: () => registry.size,
        announceIdentityChange: () => bus.publish({ type: 'identity-changed' }),
        nodeId,
        nodes: () => store.nodes.list(),
      },
      commands,
      files,
      replication: { control: replication, watch: replicationWatch, reportStaleMs: replicationStaleMs },
      events,
      devices,
      webhooks,
      alerts: new AlertAdminService(
        store.alerts,
        async (id) => (await store.groups.groupExists(id)) || (await store.scopes.organizationExists(id)),
        store.machines,
        clock,
      ),
      audit,
      terminals: terminals.routes,
      clock,
      operations: {
        readiness: {
          store: () => store.monitoring.ping(),
          listeners: () =>
            lifecycle.closing
              ? 'the server is shutting down'
              : listen && !lifecycle.listening
                ? 'the listeners are not all up yet'
                : listen && !gateway.listening
                  ? 'the agent gateway is not listening'
                  : null,
        },
        metrics: createMetricsRegistry({
          counts: metrics,
          connectedAgents: () => registry.size,
          queueDepth: () => store.monitoring.queueDepth(QUEUE_DEPTH_ROWS),
        }),
        metricsToken: config.metricsToken,
      },
    },
    logRoot.child({ component: 'http' }),
    options.serializers,
  );
  undo.push(() => app.close());
  agentInstallRoutes(app, {
    builds: agentBuilds,
    serverId: () => identity.identity.serverId,
    agentPort: () => agentPorts[0] ?? config.agentPorts[0] ?? 5721,
  });
  await serveConsole(app, consoleDirectory(config.consoleDir));
  await app.ready();
  const address = listen
    ? await listening('HTTP API', '--http-host and --http-port', () =>
        app.listen({ host: config.httpHost, port: config.httpPort }),
      )
    : '';
  const deviceUrl = listen
    ? await listening('device endpoint', '--device-host and --device-port', () =>
        devices.api.listen({ host: config.deviceHost, port: config.devicePort }),
      )
    : '';
  lifecycle.listening = true;
  // The first admin token is made only once every port is bound, so a start that fails (a
  // port in use) leaves no token behind in the store or the data directory.
  const createdAdminToken = await access.tokens.ensureFirstToken();
  const adminTokenFile = join(config.dataDir, 'admin-token');
  if (createdAdminToken) writeFileSync(adminTokenFile, `${createdAdminToken}\n`, { mode: 0o600 });
  // At the first start the master `admin` also gets a password for the console, kept like the
  // token (mode 0600) until the administrator changes it; later starts never touch it.
  const adminPasswordFile = join(config.dataDir, 'admin-password');
  const createdAdminPassword = createdAdminToken ? await access.users.givePasswordIfNone('admin') : null;
  if (createdAdminPassword) writeFileSync(adminPasswordFile, `${createdAdminPassword}\n`, { mode: 0o600 });
  const deviceSweep = setInterval(() => void devices.sweep().catch(onError), 60_000);
  deviceSweep.unref();
  log.info(
    { http: address, devices: deviceUrl, agentPorts, serverId: identity.identity.serverId },
    'muster server started',
  );

  let closed = false;
  return {
    httpUrl: address,
    deviceUrl,
    agentPorts,
    serverId: identity.identity.serverId,
    adminTokenFile,
    createdAdminToken,
    adminPasswordFile: createdAdminPassword ? adminPasswordFile : null,
    app,
    async close() {
      if (closed) return;
      closed = true;
      lifecycle.closing = true;
      reaper.stop();
      await access.stop();
      maintenance.stop();
      rollout.stop();
      replicationWatch.stop();
      await webhooks.stop();
      await alertEvaluator.stop();
      await alertDispatcher.stop();
      clearInterval(deviceSweep);
      await devices.close();
      unsubscribeIdentity();
      // Each step timed: with thousands of sessions a slow shutdown delays every agent's return
      // (bench/results/scale-*.md), and the log says which step it was.
      const seconds: Record<string, number> = {};
      const timed = async (step: string, work: () => Promise<void>) => {
        const started = performance.now();
        await work();
        seconds[step] = Math.round(performance.now() - started) / 1000;
      };
      const sessions = gateway.connectedAgents;
      await timed('api', () => app.close());
      await timed('gateway', () => gateway.close());
      await timed('checkins', () => coalescer.stop());
      await timed('events', () => events.stop());
      await timed('bus', () => bus.close());
      await timed('store', () => store.close());
      claim.release();
      log.info({ sessions, seconds }, 'server stopped');
    },
  };
}

/** The SMTP relay settings of the configuration. */
function smtpSettingsOf(config: ServerConfig): SmtpSettings {
  return {
    host: config.smtpHost,
    port: config.smtpPort,
    security: config.smtpSecurity as SmtpSettings['security'],
    user: config.smtpUser,
    password: config.smtpPassword,
    from: config.smtpFrom,
    caFile: config.smtpCaFile,
    timeoutMs: 30_000,
  };
}
