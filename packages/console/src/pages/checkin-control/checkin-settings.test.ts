import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPatch, EMPTY_DRAFT, formatAddress, hostProblem, type SettingsDraft } from './checkin-settings';

const draft = (fields: Partial<SettingsDraft>): SettingsDraft => ({ ...EMPTY_DRAFT, ...fields });

describe('check-in control header fields', () => {
  it('refuses a bare computer name with the NETBIOS explanation, and takes IPs and full names', () => {
    assert.match(hostProblem('myserver') ?? '', /bare computer name.*NETBIOS/s);
    assert.match(hostProblem('myserver.') ?? '', /bare computer name/);
    for (const ok of [
      '192.0.2.10',
      '::1',
      '[2001:db8::1]',
      'muster.example.com',
      'muster.example.com.',
      'localhost',
    ])
      assert.equal(hostProblem(ok), null, ok);
    assert.match(hostProblem('https://muster.example.com') ?? '', /URL/);
    assert.match(hostProblem('muster.example.com:5721') ?? '', /port in its own field/);
    assert.match(hostProblem('bad_label.example.com') ?? '', /not a valid host name/);
    assert.match(hostProblem('10.0.0.300') ?? '', /looks like an IPv4 address/);
  });

  it('sends only the fields filled in', () => {
    assert.deepEqual(buildPatch(draft({ periodSeconds: '45' })), { patch: { periodSeconds: 45 } });
    assert.deepEqual(buildPatch(draft({ bind: 'unbind', bandwidthKBps: '0' })), {
      patch: { bindToServer: false, bandwidthKBps: 0 },
    });
    assert.deepEqual(buildPatch(draft({ primaryHost: 'muster.example.com' })), {
      patch: { primary: { host: 'muster.example.com', port: 5721 } },
    });
    assert.deepEqual(buildPatch(draft({ secondaryHost: '[2001:db8::1]', secondaryPort: '6000' })), {
      patch: { secondary: { host: '2001:db8::1', port: 6000 } },
    });
    assert.deepEqual(buildPatch(draft({ removeSecondary: true })), { patch: { secondary: null } });
  });

  it('names every problem by its field and builds nothing', () => {
    const result = buildPatch(
      draft({ primaryHost: 'myserver', secondaryPort: '80', periodSeconds: '0', bandwidthKBps: '-1' }),
    );
    assert.ok('problems' in result);
    assert.deepEqual(
      result.problems.map((p) => p.field),
      ['primaryHost', 'secondaryHost', 'periodSeconds', 'bandwidthKBps'],
    );
    assert.deepEqual(buildPatch(draft({ primaryHost: 'a.example.com', primaryPort: '70000' })), {
      problems: [
        { field: 'primaryPort', message: 'the Primary KServer port must be a number from 1 to 65535' },
      ],
    });
    assert.deepEqual(buildPatch(EMPTY_DRAFT), {
      problems: [{ field: 'form', message: 'set at least one field to change' }],
    });
    const both = buildPatch(draft({ removeSecondary: true, secondaryHost: 'b.example.com' }));
    assert.ok('problems' in both && both.problems[0]?.field === 'secondaryHost');
  });

  it('formats addresses as the table shows them', () => {
    assert.equal(formatAddress({ host: 'a.example.com', port: 5721 }), 'a.example.com:5721');
    assert.equal(formatAddress({ host: '2001:db8::1', port: 1 }), '[2001:db8::1]:1');
    assert.equal(formatAddress(null), '');
  });
});
