import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import smpp from 'smpp';
import { selfSignedCertificate, type TlsCredentials } from '../../gateway/tls-credentials';
import { type SmppProviderOptions, SmppWakeProvider } from './smpp.provider';

/** A submit_sm as the fake SMSC decoded it. */
interface SeenSubmit {
  destination: string;
  destTon: number;
  source: string;
  sourceTon: number;
  text: string;
  inPayload: boolean;
  validityPeriod: unknown;
}

/** The server's short_message / message_payload: the library decodes text to { message }. */
function decodedText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (value && typeof value === 'object' && 'message' in value) {
    const message = (value as { message: unknown }).message;
    return Buffer.isBuffer(message) ? message.toString('latin1') : String(message);
  }
  return String(value);
}

const systemId = 'muster';
const password = 's3cret';

// A local SMSC built from the server side of the same `smpp` package: it checks the bind's
// credentials, records every submit_sm and answers with scripted command_status values.
describe('SmppWakeProvider against a local SMPP server', () => {
  let plainServer: smpp.Server;
  let tlsServer: smpp.Server;
  let serverTls: TlsCredentials;
  let port = 0;
  let tlsPort = 0;
  let binds: Array<{ systemId: unknown; password: unknown; accepted: boolean }> = [];
  let submits: SeenSubmit[] = [];
  let statuses: number[] = [];
  let connections = 0;
  let unbinds = 0;
  let nextId = 1;
  const providers: SmppWakeProvider[] = [];

  function handleSession(session: smpp.Session): void {
    connections += 1;
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      const accepted = pdu['system_id'] === systemId && pdu['password'] === password;
      binds.push({ systemId: pdu['system_id'], password: pdu['password'], accepted });
      if (!accepted) {
        session.send(pdu.response({ command_status: smpp.errors['ESME_RINVPASWD'] }));
        session.close();
        return;
      }
      session.send(pdu.response({ system_id: 'fake-smsc' }));
    });
    session.on('submit_sm', (pdu: smpp.PDU) => {
      const inPayload = pdu['message_payload'] !== undefined;
      submits.push({
        destination: String(pdu['destination_addr']),
        destTon: Number(pdu['dest_addr_ton']),
        source: String(pdu['source_addr']),
        sourceTon: Number(pdu['source_addr_ton']),
        text: decodedText(inPayload ? pdu['message_payload'] : pdu['short_message']),
        inPayload,
        validityPeriod: pdu['validity_period'],
      });
      const status = statuses.shift() ?? 0;
      session.send(
        pdu.response(status === 0 ? { message_id: `msg-${nextId++}` } : { command_status: status }),
      );
    });
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      unbinds += 1;
      session.send(pdu.response());
      session.close();
    });
  }

  function provider(overrides: Partial<SmppProviderOptions> = {}): SmppWakeProvider {
    const made = new SmppWakeProvider({
      host: '127.0.0.1',
      port,
      systemId,
      password,
      sourceAddr: 'Muster',
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...overrides,
    });
    providers.push(made);
    return made;
  }

  before(async () => {
    serverTls = await selfSignedCertificate('localhost');
    plainServer = smpp.createServer(handleSession);
    tlsServer = smpp.createServer({ key: serverTls.key, cert: serverTls.cert }, handleSession);
    await new Promise<void>((resolve) => plainServer.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    port = (plainServer.address() as AddressInfo).port;
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });

  beforeEach(() => {
    binds = [];
    submits = [];
    statuses = [];
  });

  after(async () => {
    await Promise.all(providers.map((made) => made.close()));
    for (const server of [plainServer, tlsServer]) {
      for (const session of [...server.sessions]) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('binds as a transceiver and submits the text to the number', async () => {
    const expiresAt = Date.now() + 600_000;
    const outcome = await provider().wake(
      { deviceId: 'phone-1', phoneNumber: '+4915112345678' },
      { text: 'Muster: check in now', expiresAt },
    );
    assert.equal(outcome.status, 'sent');
    assert.equal(outcome.attempts, 1);
    assert.match(outcome.status === 'sent' ? (outcome.providerMessageId ?? '') : '', /^msg-\d+$/);
    assert.deepEqual(binds, [{ systemId, password, accepted: true }]);
    assert.equal(submits.length, 1);
    const submit = submits[0]!;
    assert.equal(submit.destination, '4915112345678');
    assert.equal(submit.destTon, 1);
    assert.equal(submit.source, 'Muster');
    assert.equal(submit.sourceTon, 5);
    assert.equal(submit.text, 'Muster: check in now');
    assert.equal(submit.inPayload, false);
    // The library decodes the absolute validity period back into a Date.
    assert.ok(submit.validityPeriod instanceof Date);
    assert.equal(Math.floor((submit.validityPeriod as Date).getTime() / 1000), Math.floor(expiresAt / 1000));
  });

  it('sends a national number as is with an unknown type of number, and a + sender as international', async () => {
    await provider({ sourceAddr: '+4930123456' }).wake(
      { deviceId: 'p', phoneNumber: '015112345678' },
      { text: 'hi' },
    );
    assert.equal(submits[0]!.destination, '015112345678');
    assert.equal(submits[0]!.destTon, 0);
    // A "+" sender is sent the same way: digits only, international type of number.
    assert.equal(submits[0]!.source, '4930123456');
    assert.equal(submits[0]!.sourceTon, 1);
  });

  it('retries after ESME_RTHROTTLED once and then sends', async () => {
    statuses = [0x58];
    const slept: number[] = [];
    const sms = provider({
      retry: {
        baseDelayMs: 40,
        random: () => 0.5,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    });
    const outcome = await sms.wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'wake' });
    assert.equal(outcome.status, 'sent');
    assert.equal(outcome.attempts, 2);
    assert.equal(submits.length, 2);
    assert.deepEqual(slept, [20]);
    assert.equal(binds.length, 1);
  });

  it('reports ESME_RMSGQFUL as retryable once the attempts run out', async () => {
    statuses = [0x14, 0x14, 0x14];
    const outcome = await provider({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'wake' },
    );
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'SMSC refused submit_sm: ESME_RMSGQFUL (0x00000014)',
      retryable: true,
      attempts: 3,
    });
    assert.equal(submits.length, 3);
  });

  it('does not retry other statuses and names them', async () => {
    statuses = [0x0b];
    const outcome = await provider().wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'wake' });
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'SMSC refused submit_sm: ESME_RINVDSTADR (0x0000000B)',
      retryable: false,
      attempts: 1,
    });
    assert.equal(submits.length, 1);
  });

  it('fails with a clear, non-retryable error when the password is wrong', async () => {
    const outcome = await provider({ password: 'wrong' }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'wake' },
    );
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'SMPP bind_transceiver as "muster" rejected: ESME_RINVPASWD (0x0000000E)',
      retryable: false,
      attempts: 1,
    });
    assert.deepEqual(binds, [{ systemId, password: 'wrong', accepted: false }]);
    assert.equal(submits.length, 0);
  });

  it('refuses an invalid or missing phone number without contacting the SMSC', async () => {
    const before = connections;
    const sms = provider();
    for (const phoneNumber of [
      '12ab',
      '+0123456',
      '+1 555 000',
      '++15550001111',
      '123',
      '+1234567890123456',
    ]) {
      const outcome = await sms.wake({ deviceId: 'p', phoneNumber }, { text: 'wake' });
      assert.deepEqual(outcome, {
        status: 'failed',
        reason: `invalid phone number "${phoneNumber}" for device p: expected 5-15 digits with an optional leading +`,
        retryable: false,
        attempts: 0,
      });
    }
    const missing = await sms.wake({ deviceId: 'q' }, { text: 'wake' });
    assert.equal(missing.status === 'failed' && missing.reason, 'device q has no phone number');
    assert.equal(connections, before);
    assert.equal(binds.length, 0);
  });

  it('keeps one bind across wakes and binds again after the SMSC drops the session', async () => {
    const sms = provider();
    const before = connections;
    const first = await Promise.all([
      sms.wake({ deviceId: 'a', phoneNumber: '+15550000001' }, { text: 'one' }),
      sms.wake({ deviceId: 'b', phoneNumber: '+15550000002' }, { text: 'two' }),
    ]);
    assert.deepEqual(
      first.map((outcome) => outcome.status),
      ['sent', 'sent'],
    );
    assert.equal(binds.length, 1);
    assert.equal(connections - before, 1);

    const dropped = plainServer.sessions.at(-1)!;
    await new Promise<void>((resolve) => dropped.destroy(resolve));
    // Let the client see the close before the next wake.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await sms.wake({ deviceId: 'c', phoneNumber: '+15550000003' }, { text: 'three' });
    assert.equal(again.status, 'sent');
    // Sent at the first attempt: the provider noticed the close and bound again before submitting.
    assert.equal(again.attempts, 1);
    assert.equal(binds.length, 2);
    assert.deepEqual(submits.map((submit) => submit.text).sort(), ['one', 'three', 'two']);
  });

  it('puts a text longer than short_message allows into message_payload', async () => {
    const text = 'x'.repeat(300);
    const outcome = await provider().wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text });
    assert.equal(outcome.status, 'sent');
    assert.equal(submits[0]!.inPayload, true);
    assert.equal(submits[0]!.text, text);
  });

  it('connects over TLS when configured with the CA', async () => {
    const sms = provider({ port: tlsPort, tls: { ca: serverTls.cert, servername: 'localhost' } });
    const outcome = await sms.wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'secure' });
    assert.equal(outcome.status, 'sent');
    assert.equal(submits[0]!.text, 'secure');
  });

  it('fails retryably when nothing listens', async () => {
    const probe = smpp.createServer(() => undefined);
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outcome = await provider({ port: freePort, retry: { maxAttempts: 2, baseDelayMs: 1 } }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'x' },
    );
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed' && outcome.retryable);
    assert.equal(outcome.attempts, 2);
    assert.match(outcome.status === 'failed' ? outcome.reason : '', /ECONNREFUSED/);
  });

  it('unbinds on close and refuses later wakes', async () => {
    const sms = provider();
    await sms.wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'x' });
    const open = plainServer.sessions.length;
    const unbindsBefore = unbinds;
    await sms.close();
    assert.equal(unbinds - unbindsBefore, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(plainServer.sessions.length, open - 1);
    const outcome = await sms.wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'x' });
    assert.equal(outcome.status === 'failed' && outcome.reason, 'SMPP provider is closed');
  });
});
