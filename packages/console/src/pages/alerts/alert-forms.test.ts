import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_RULE, emptyWindow, localInputTime, ruleBody, ruleDraft, windowBody } from './alert-forms';

describe('alert rule form', () => {
  it('sends minutes only with the timed conditions, and splits the addresses', () => {
    const draft = { ...EMPTY_RULE, name: ' Down ', group: ' web.acme ', minutes: ' 15 ' };
    const body = ruleBody({ ...draft, emails: 'a@x.org, b@x.org;\nc@x.org  ' });
    assert.deepEqual(body, {
      name: 'Down',
      group: 'web.acme',
      condition: 'offline',
      minutes: 15,
      emails: ['a@x.org', 'b@x.org', 'c@x.org'],
      webhook: false,
      enabled: true,
    });
    assert.equal(ruleBody({ ...draft, condition: 'command-failed' }).minutes, null);
    assert.equal(ruleBody({ ...draft, minutes: '' }).minutes, null, 'the server says minutes are required');
  });

  it('passes what the server must refuse on to it unchanged (an empty group, negative minutes)', () => {
    const body = ruleBody({ ...EMPTY_RULE, name: 'x', group: '  ', minutes: '-5' });
    assert.equal(body.group, '');
    assert.equal(body.minutes, -5);
  });

  it('fills the form from a rule and gives the same settings back', () => {
    const rule = {
      id: 'r1',
      name: 'Never seen',
      group: 'acme',
      condition: 'never-checked-in' as const,
      minutes: 60,
      emails: ['ops@acme.example'],
      webhook: true,
      enabled: false,
      createdAt: '2026-12-02T10:00:00.000Z',
      updatedAt: '2026-12-02T10:00:00.000Z',
    };
    const { id: _id, createdAt: _c, updatedAt: _u, ...settings } = rule;
    assert.deepEqual(ruleBody(ruleDraft(rule)), settings);
  });
});

describe('maintenance window form', () => {
  it('sends local times as UTC instants, for the machine or the group chosen', () => {
    const start = Date.UTC(2026, 11, 2, 17, 30);
    const draft = { ...emptyWindow(start), id: ' PC1.web.acme ', reason: ' patching ' };
    assert.deepEqual(windowBody(draft), {
      group: 'PC1.web.acme',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3600_000).toISOString(),
      reason: 'patching',
    });
    const machine = windowBody({ ...draft, target: 'machine', reason: '' });
    assert.equal(machine.machine, 'PC1.web.acme');
    assert.equal('group' in machine, false);
    assert.equal('reason' in machine, false);
  });

  it('leaves what is not a time as typed, for the server to name', () => {
    const body = windowBody({ ...emptyWindow(0), id: 'web.acme', startsAt: '', endsAt: 'soon' });
    assert.deepEqual([body.startsAt, body.endsAt], ['', 'soon']);
  });

  it('shows times as a datetime-local field does', () => {
    assert.match(localInputTime(Date.now()), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  });
});
