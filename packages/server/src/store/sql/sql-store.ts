import type { StoreBackend } from '../interfaces';
import { sqlAlertStore } from './alerts.sql';
import { sqlApiTokenStore } from './api-tokens.sql';
import { sqlAuditStore } from './audit.sql';
import { sqlConnectionHistoryStore } from './checkin-history.sql';
import { sqlCheckinRecorder } from './checkin-recorder.sql';
import { sqlCommandQueue } from './command-queue.sql';
import { sqlDeviceStore } from './devices.sql';
import { sqlFileStore } from './files.sql';
import { sqlGrantStore } from './grants.sql';
import { sqlGroupRegistry } from './groups.sql';
import { sqlIdentityStore } from './identity.sql';
import { sqlInstallTokenStore } from './install-tokens.sql';
import { sqlMachineRemover } from './machine-removal.sql';
import { sqlMachineStore } from './machines.sql';
import { migrateToLatest } from './migrate';
import { sqlStoreMonitor } from './monitoring.sql';
import { sqlNodeDirectory } from './node-directory.sql';
import { sqlNotificationStore } from './notifications.sql';
import { type DatabaseLocation, type OpenOptions, openDatabase } from './open-database';
import { sqlPolicyStore } from './policies.sql';
import { sqlReplicationStore } from './replication.sql';
import { sqlRoleStore } from './roles.sql';
import { sqlScopeStore } from './scopes.sql';
import { sqlSessionStore } from './sessions.sql';
import { sqlTerminalSessionStore } from './terminal-sessions.sql';
import { sqlUserStore } from './users.sql';
import { sqlWebhookStore } from './webhooks.sql';

/** Opens a SQL backend (SQLite or PostgreSQL), migrates it and returns every store part. */
export async function openSqlStore(
  location: DatabaseLocation,
  options: OpenOptions = {},
): Promise<StoreBackend> {
  const { db, dialect, close, problem } = openDatabase(location, options);
  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    dialect,
    monitoring: sqlStoreMonitor(db, problem),
    groups: sqlGroupRegistry(db),
    installTokens: sqlInstallTokenStore(db),
    machines: sqlMachineStore(db),
    machineRemoval: sqlMachineRemover(db),
    checkins: sqlCheckinRecorder(db, dialect),
    policies: sqlPolicyStore(db),
    notifications: sqlNotificationStore(db),
    users: sqlUserStore(db, dialect),
    roles: sqlRoleStore(db),
    scopes: sqlScopeStore(db),
    grants: sqlGrantStore(db, dialect),
    apiTokens: sqlApiTokenStore(db),
    sessions: sqlSessionStore(db),
    identity: sqlIdentityStore(db),
    commands: sqlCommandQueue(db, dialect),
    devices: sqlDeviceStore(db, dialect),
    webhooks: sqlWebhookStore(db, dialect),
    alerts: sqlAlertStore(db, dialect),
    files: sqlFileStore(db, dialect),
    replication: sqlReplicationStore(db),
    audit: sqlAuditStore(db),
    terminalSessions: sqlTerminalSessionStore(db, dialect),
    nodes: sqlNodeDirectory(db),
    connectionHistory: sqlConnectionHistoryStore(db, dialect),
    close,
  };
}
