import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UNSET_HOST } from '@muster/protocol';
import { ErrorCode, MusterError } from '../domain/errors';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { createTestSqliteFile, type TestSqliteFile } from '../test-support/sqlite';
import { type AdmissionRequest, AgentAdmissionService } from './agent-admission.service';
import { InstallTokenService } from './install-token.service';
import { NotificationService } from './notification.service';

const NOW = Date.UTC(2026, 0, 5, 12);
let keys = 0;

/** A request as an agent that proved its key would present it. */
function request(overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  keys += 1;
  return {
    publicKey: `public-key-${keys}`,
    keyFingerprint: `fingerprint-${keys}`,
    hostName: `host${keys}`,
    hardwareId: `hw-${keys}`,
    remoteAddress: '192.0.2.7',
    configured: { primary: { host: 'muster.example.com', port: 5721 }, secondary: null },
    ...overrides,
  };
}

/** Rejects with a MusterError of `code` whose message matches `message`. */
async function refused(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof MusterError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

function admissionSuite(
  name: string,
  open: () => Promise<{ store: StoreBackend; cleanup(): Promise<void> }>,
) {
  describe(`agent admission (${name})`, () => {
    let store: StoreBackend;
    let cleanup: () => Promise<void>;
    let admission: AgentAdmissionService;
    let tokens: InstallTokenService;
    const noSession = () => false;

    before(async () => {
      ({ store, cleanup } = await open());
      const clock = () => NOW;
      tokens = new InstallTokenService(store.groups, store.installTokens, store.machines, clock, null);
      admission = new AgentAdmissionService(
        store.installTokens,
        store.machines,
        new NotificationService(store.notifications, clock),
        clock,
      );
    });
    after(() => cleanup());

    it('enrolls a new key with a token, naming the machine after its host and seeding its addresses', async () => {
      const { token } = await tokens.create({ group: 'web.acme' });
      const r = request({
        hostName: 'Web-01.corp.example.com',
        configured: {
          primary: { host: 'muster.example.com', port: 5721 },
          secondary: { host: 'backup.example.com', port: 5721 },
        },
      });
      const machine = await admission.admit({ ...r, enrollToken: token }, noSession);
      assert.equal(machine.id, 'web-01.web.acme');
      assert.deepEqual(machine.checkinControl.primary, { host: 'muster.example.com', port: 5721 });
      assert.deepEqual(machine.checkinControl.secondary, { host: 'backup.example.com', port: 5721 });
      assert.equal(machine.hardwareId, r.hardwareId);
    });

    it('recognises an enrolled key without a token, and a token it sends again uses nothing', async () => {
      const { token } = await tokens.create({ group: 'once.acme', maxUses: 1 });
      const r = request();
      const enrolled = await admission.admit({ ...r, enrollToken: token }, noSession);
      const again = await admission.admit(r, noSession);
      assert.equal(again.id, enrolled.id);
      const repeat = await admission.admit({ ...r, enrollToken: token }, noSession);
      assert.equal(repeat.id, enrolled.id, 'a known key is recognised before the token is looked at');
      assert.equal((await store.machines.listMachines('%.once.acme')).length, 1);
    });

    it('refuses an unknown key without a token, saying how to re-enroll, within a close reason', async () => {
      await refused(
        admission.admit(request(), noSession),
        ErrorCode.unknownAgent,
        /--token TOKEN --state DIR/,
      );
      const error = await admission.admit(request(), noSession).catch((e: Error) => e);
      assert.ok(Buffer.byteLength((error as Error).message) <= 123, 'fits a WebSocket close reason');
    });

    it('refuses an unknown, used-up or expired token with the reason, creating nothing', async () => {
      await refused(
        admission.admit({ ...request(), enrollToken: 'mit_not-a-token' }, noSession),
        ErrorCode.tokenInvalid,
        /install token is not known/,
      );
      const { token } = await tokens.create({ group: 'spent.acme', maxUses: 1 });
      await admission.admit({ ...request(), enrollToken: token }, noSession);
      await refused(
        admission.admit({ ...request(), enrollToken: token }, noSession),
        ErrorCode.tokenInvalid,
        /has no uses left/,
      );
      assert.equal((await store.machines.listMachines('%.spent.acme')).length, 1);
    });

    it('keeps a placeholder primary when the agent gave no usable address, and drops a secondary equal to the primary', async () => {
      const { token } = await tokens.create({ group: 'odd.acme' });
      const bare = await admission.admit({ ...request(), enrollToken: token, configured: null }, noSession);
      assert.equal(bare.checkinControl.primary.host, UNSET_HOST);
      const twin = await admission.admit(
        {
          ...request(),
          enrollToken: token,
          configured: {
            primary: { host: 'muster.example.com', port: 5721 },
            secondary: { host: 'MUSTER.example.com.', port: 5721 },
          },
        },
        noSession,
      );
      assert.equal(twin.checkinControl.secondary, null);
    });

    it('a fixed-name token on a second machine: refused as a duplicate account, with a warning naming both', async () => {
      const { token } = await tokens.create({ group: 'fixed.acme', machineName: 'pc1' });
      const first = request({ hostName: 'first-host' });
      await admission.admit({ ...first, enrollToken: token }, noSession);
      await refused(
        admission.admit({ ...request({ hostName: 'second-host' }), enrollToken: token }, noSession),
        ErrorCode.accountConflict,
        /pc1\.fixed\.acme belongs to another agent/,
      );
      const warnings = (await store.notifications.listNotifications('duplicate-account')).filter(
        (n) => n.machineId === 'pc1.fixed.acme',
      );
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]?.message ?? '', /first-host.*second-host/);
    });

    it('a cloned key on other hardware: refused while the original is connected, admitted (and reported) once it is not', async () => {
      const { token } = await tokens.create({ group: 'clone.acme' });
      const original = request({ hardwareId: 'hw-original' });
      const machine = await admission.admit({ ...original, enrollToken: token }, noSession);
      const clone = { ...original, hardwareId: 'hw-clone', hostName: 'clone-host' };
      await refused(
        admission.admit(clone, (id) => id === machine.id),
        ErrorCode.accountConflict,
        /in use by another machine/,
      );
      const admitted = await admission.admit(clone, noSession);
      assert.equal(admitted.id, machine.id);
      const warnings = (await store.notifications.listNotifications('duplicate-account')).filter(
        (n) => n.machineId === machine.id,
      );
      assert.equal(warnings.length, 1, 'the same pair of hardware ids is reported once');
      assert.match(warnings[0]?.message ?? '', /hw-original and hw-clone/);
    });
  });
}

let sqlite: TestSqliteFile;
admissionSuite('SQLite', async () => {
  sqlite = createTestSqliteFile();
  const store = await openSqlStore({ sqliteFile: sqlite.file });
  return {
    store,
    cleanup: async () => {
      await store.close();
      sqlite.cleanup();
    },
  };
});

let pg: TestPostgresDatabase;
admissionSuite('PostgreSQL', async () => {
  pg = await createTestPostgresDatabase();
  const store = await openSqlStore({ postgresUrl: pg.url });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await pg.drop();
    },
  };
});
