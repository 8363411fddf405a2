import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { InstallTokenRecord } from '../interfaces';
import { enrollment, expectEnrolled, freshKey, T0, token } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

/** Conformance tests of listing and revoking install tokens. */
export function installTokenAdminTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('adm.acme', T0);
  });

  it('lists every token newest first, with its uses and limits but no secret', async () => {
    const s = store();
    assert.deepEqual(await s.installTokens.listInstallTokens(), []);
    await s.installTokens.createInstallToken(
      token({ id: 'old', tokenHash: 'h-old', groupId: 'adm.acme', createdAt: T0 - 10 }),
    );
    await s.installTokens.createInstallToken(
      token({
        id: 'new',
        tokenHash: 'h-new',
        groupId: 'adm.acme',
        machineName: 'kiosk',
        maxUses: 2,
        expiresAt: T0 + 86_400_000,
        temporary: true,
        createdAt: T0,
        tokenPrefix: 'mit_AbCdEfGh',
      }),
    );
    expectEnrolled(await s.installTokens.enroll(enrollment('h-new', 'host', freshKey('adm'))));
    const expected: InstallTokenRecord[] = [
      {
        id: 'new',
        tokenPrefix: 'mit_AbCdEfGh',
        groupId: 'adm.acme',
        machineName: 'kiosk',
        maxUses: 2,
        uses: 1,
        expiresAt: T0 + 86_400_000,
        temporary: true,
        createdAt: T0,
        revokedAt: null,
      },
      {
        id: 'old',
        tokenPrefix: null,
        groupId: 'adm.acme',
        machineName: null,
        maxUses: null,
        uses: 0,
        expiresAt: null,
        temporary: false,
        createdAt: T0 - 10,
        revokedAt: null,
      },
    ];
    assert.deepEqual(await s.installTokens.listInstallTokens(), expected);
  });

  it('a revoked token enrolls nothing, consumes no use, and says why', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ id: 'rev', tokenHash: 'h-rev', groupId: 'adm.acme', maxUses: 5 }),
    );
    expectEnrolled(await s.installTokens.enroll(enrollment('h-rev', 'before', freshKey('rev'))));
    const revoked = await s.installTokens.revokeInstallToken('rev', T0 + 5);
    assert.equal(revoked?.revokedAt, T0 + 5);
    assert.equal(revoked?.uses, 1);
    const request = enrollment('h-rev', 'after', freshKey('rev'));
    assert.deepEqual(await s.installTokens.enroll(request), { kind: 'token-invalid', reason: 'revoked' });
    assert.equal(await s.machines.findMachineByKey(request.keyFingerprint), null);
    assert.equal(await s.machines.findMachine('after.adm.acme'), null);
    // The machine enrolled before the revocation stays.
    assert.notEqual(await s.machines.findMachine('before.adm.acme'), null);
    const listed = (await s.installTokens.listInstallTokens()).find((t) => t.id === 'rev');
    assert.equal(listed?.uses, 1, 'the refused enrollment used nothing');
    assert.equal(listed?.revokedAt, T0 + 5);
  });

  it('revoked wins over expired and used-up as the reason', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ id: 'dead', tokenHash: 'h-dead', groupId: 'adm.acme', maxUses: 1, expiresAt: T0 }),
    );
    await s.installTokens.revokeInstallToken('dead', T0 + 1);
    const late = enrollment('h-dead', 'late', freshKey('dead'), T0 + 100);
    assert.deepEqual(await s.installTokens.enroll(late), { kind: 'token-invalid', reason: 'revoked' });
  });

  it('revoking again keeps the first time; an unknown id gives null', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ id: 'twice', tokenHash: 'h-twice', groupId: 'adm.acme' }),
    );
    assert.equal((await s.installTokens.revokeInstallToken('twice', T0 + 7))?.revokedAt, T0 + 7);
    assert.equal((await s.installTokens.revokeInstallToken('twice', T0 + 9))?.revokedAt, T0 + 7);
    assert.equal(await s.installTokens.revokeInstallToken('no-such-id', T0 + 9), null);
    // Other tokens keep working.
    expectEnrolled(await s.installTokens.enroll(enrollment('h-old', 'still', freshKey('old'))));
  });
}
