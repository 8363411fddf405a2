import { after, before, describe } from 'node:test';
import type { StoreBackend } from '../interfaces';
import type { DatabaseLocation } from '../sql/open-database';
import { roleScopeStoreTests, userStoreTests } from './access-stores.conformance';
import { alertLifecycleTests, alertRuleTests, alertWindowAndOutboxTests } from './alert-store.conformance';
import {
  auditDeletedTests,
  auditInsertedTests,
  auditLogTests,
  auditTamperTests,
} from './audit-log.conformance';
import { connectionHistoryTests } from './checkin-history.conformance';
import { checkinRecorderTests } from './checkin-recorder.conformance';
import { commandDeliveryTests } from './command-delivery.conformance';
import { commandListingTests, manyCommandListingTests } from './command-listing.conformance';
import { commandQueueTests } from './command-queue.conformance';
import { apiTokenStoreTests, sessionStoreTests } from './credential-stores.conformance';
import { deviceListingTests } from './device-listing.conformance';
import { deviceStoreTests } from './device-store.conformance';
import { fileStoreTests } from './file-store.conformance';
import { installTokenAdminTests } from './install-token-admin.conformance';
import { groupRegistryTests, installTokenTests } from './machine-accounts.conformance';
import { machineListingTests, manyMachineListingTests } from './machine-listing.conformance';
import { machineRemovalTests } from './machine-removal.conformance';
import { machineReaderTests, machineWriterTests } from './machines.conformance';
import { replicationStoreTests } from './replication-store.conformance';
import { scopeQueryTests } from './scope-query.conformance';
import { identityStoreTests, notificationStoreTests, policyStoreTests } from './small-stores.conformance';
import { storeMonitorTests } from './store-monitor.conformance';
import {
  nodeDirectoryTests,
  terminalSessionListTests,
  terminalSessionPurgeTests,
  terminalSessionTests,
} from './terminal-store.conformance';
import {
  webhookBulkTests,
  webhookClaimTests,
  webhookConcurrentClaimTests,
  webhookDeliveredTests,
  webhookEndpointTests,
  webhookFailureTests,
} from './webhook-store.conformance';

/** A freshly opened, empty backend and how to dispose of it (close the store, remove its database). */
export interface OpenedStore {
  store: StoreBackend;
  /** Where its database is, for tests that open a second store on it or edit it behind the store's back. */
  location?: DatabaseLocation;
  cleanup(): Promise<void>;
}

/**
 * Registers the store conformance suite for one backend. Every backend must pass the same
 * suite, so services can rely on the interfaces' contracts without knowing which backend runs.
 * `open` is called once per test group, so groups never see each other's rows.
 */
export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store conformance: ${name}`, () => {
    withStore('GroupRegistry', open, groupRegistryTests);
    withStore('InstallTokenStore', open, installTokenTests);
    withStore('InstallTokenStore: list and revoke', open, installTokenAdminTests);
    withStore('MachineRemover', open, machineRemovalTests);
    withStore('MachineReader', open, machineReaderTests);
    withStore('MachineWriter', open, machineWriterTests);
    withStore('MachineReader: sorted, searched pages', open, machineListingTests);
    withStore('MachineReader: pages of a large list', open, manyMachineListingTests);
    withStore('CheckinRecorder', open, checkinRecorderTests);
    withStore('ConnectionHistoryStore', open, connectionHistoryTests);
    withStore('PolicyStore', open, policyStoreTests);
    withStore('NotificationStore', open, notificationStoreTests);
    withStore('UserStore and GrantStore', open, userStoreTests);
    withStore('RoleStore, ScopeStore and GrantStore', open, roleScopeStoreTests);
    withStore('ApiTokenStore', open, apiTokenStoreTests);
    withStore('SessionStore', open, sessionStoreTests);
    withStore('IdentityStore', open, identityStoreTests);
    withStore('CommandQueueStore', open, commandQueueTests);
    withStore('CommandQueueStore: delivery', open, commandDeliveryTests);
    withStore('CommandQueueStore: sorted, searched pages', open, commandListingTests);
    withStore('CommandQueueStore: pages of a large list', open, manyCommandListingTests);
    withStore('DeviceStore', open, deviceStoreTests);
    withStore('DeviceStore: sorted, searched pages', open, deviceListingTests);
    withStore('FileStore', open, fileStoreTests);
    withStore('ReplicationStore', open, replicationStoreTests);
    withStore('Scope in queries', open, scopeQueryTests);
    withStore('StoreMonitor', open, storeMonitorTests);
    // One store each: every claim sees all due rows, so these groups must not share a table.
    withStore('WebhookStore: endpoints', open, webhookEndpointTests);
    withStore('WebhookStore: claims', open, webhookClaimTests);
    withStore('WebhookStore: delivered', open, webhookDeliveredTests);
    withStore('WebhookStore: failures and dead letters', open, webhookFailureTests);
    withStore('WebhookStore: bulk enqueue', open, webhookBulkTests);
    withStore('WebhookStore: concurrent claims', open, webhookConcurrentClaimTests);
    withStore('AlertStore: rules', open, alertRuleTests);
    withStore('AlertStore: firing and resolving', open, alertLifecycleTests);
    withStore('AlertStore: windows and outbox', open, alertWindowAndOutboxTests);
    withStore('TerminalSessionStore', open, terminalSessionTests);
    withStore('TerminalSessionStore: pages', open, terminalSessionListTests);
    withStore('TerminalSessionStore: retention purge', open, terminalSessionPurgeTests);
    withStore('NodeDirectory', open, nodeDirectoryTests);
    withStore('AuditLog', open, auditLogTests);
    withOpened('AuditLog: concurrent appends, an edited entry', open, auditTamperTests);
    withOpened('AuditLog: deleted entries', open, auditDeletedTests);
    withOpened('AuditLog: inserted entries', open, auditInsertedTests);
  });
}

/** Gives the tests of one group the store opened for them. */
export type StoreRef = () => StoreBackend;

/** Gives the tests of one group the opened store itself (its location too). */
function withOpened(
  title: string,
  open: () => Promise<OpenedStore>,
  tests: (opened: () => OpenedStore) => void,
): void {
  describe(title, () => {
    let opened: OpenedStore | undefined;
    before(async () => {
      opened = await open();
    });
    after(async () => {
      await opened?.cleanup();
    });
    tests(() => {
      if (!opened) throw new Error('the store was not opened (its before hook failed)');
      return opened;
    });
  });
}

function withStore(title: string, open: () => Promise<OpenedStore>, tests: (store: StoreRef) => void): void {
  describe(title, () => {
    let opened: OpenedStore | undefined;
    before(async () => {
      opened = await open();
    });
    after(async () => {
      await opened?.cleanup();
    });
    tests(() => {
      if (!opened) throw new Error('the store was not opened (its before hook failed)');
      return opened.store;
    });
  });
}
