import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateLocation } from './location-buffer';
import {
  SimulatedPhone,
  simulatedApnsToken,
  simulatedPhoneNumber,
  simulatedPushChannel,
} from './simulated-phone';

describe('simulated phones', () => {
  test('phone numbers replace the run of N with the device number', () => {
    assert.equal(simulatedPhoneNumber('+1555000000N', 3), '+15550000003');
    assert.equal(simulatedPhoneNumber('+1555000NNNN', 42), '+15550000042');
    assert.equal(simulatedPhoneNumber('+4917000', 12), '+491700012');
    assert.throws(() => simulatedPhoneNumber('+1-555-N', 1), /invalid number/);
  });

  test('APNs tokens are 64 hex digits ending in the device number', () => {
    const token = simulatedApnsToken('ab', 255);
    assert.equal(token.length, 64);
    assert.match(token, /^ab0+ff$/);
    assert.throws(() => simulatedApnsToken('xyz', 1), /must be hex/);
  });

  test('iOS prefers APNs, Android SMS, and the webhook is the fallback', () => {
    const all = {
      apnsTokenPrefix: 'aa',
      phoneNumberPattern: '+1555000000N',
      wakeUrl: 'http://127.0.0.1:5800',
    };
    assert.equal(simulatedPushChannel('ios', 1, all, null)?.kind, 'apns');
    assert.equal(simulatedPushChannel('android', 2, all, null)?.kind, 'sms');
    assert.deepEqual(
      simulatedPushChannel('android', 2, { apnsTokenPrefix: 'aa', wakeUrl: all.wakeUrl }, 'dev 9'),
      {
        kind: 'webhook',
        url: 'http://127.0.0.1:5800/wake/dev%209',
      },
    );
    assert.deepEqual(simulatedPushChannel('ios', 1, { wakeUrl: all.wakeUrl }, null), {
      kind: 'webhook',
      url: 'http://127.0.0.1:5800/wake',
    });
    assert.equal(simulatedPushChannel('ios', 1, {}, null), undefined);
    for (const platform of ['ios', 'android'] as const) {
      const channel = simulatedPushChannel(platform, 7, all, 'dev-7');
      // The contract's patterns (PushChannelSchema).
      if (channel?.kind === 'apns') assert.match(channel.token, /^[0-9a-fA-F]{16,200}$/);
      else if (channel?.kind === 'sms') assert.match(channel.phoneNumber, /^\+?[0-9]{5,15}$/);
      else assert.fail(`${platform} got ${JSON.stringify(channel)}`);
    }
  });

  test('positions stay valid and the battery stays within 0-100', () => {
    const phone = new SimulatedPhone(4);
    for (let i = 0; i < 500; i++) {
      assert.equal(validateLocation(phone.locate(), Date.now()).ok, true);
      const battery = phone.batteryPercent();
      assert.ok(battery >= 0 && battery <= 100);
    }
  });
});
