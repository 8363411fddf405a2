import { type FormEvent, useEffect, useId, useState } from 'react';
import { api, ok } from '../../api/client';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { machineCount } from '../../components/machine-rows';
import { MAX_PERIOD_SECONDS } from './checkin-settings';

interface Policy {
  group: string;
  minSeconds: number;
  maxSeconds: number;
}

interface PolicyChange extends Policy {
  clamped: Array<{ machineId: string; requested: number; applied: number }>;
}

/**
 * The Check-in Policy of a machine group (the manual's System > Check-in Policy): the shortest
 * and longest check-in period its machines may be given, its own or inherited from a parent
 * group. Anyone who sees the page reads it; users with checkin-policy.edit change it, and learn
 * which machines' periods the new range moved.
 */
export function CheckinPolicyPanel({ groups }: { groups: readonly string[] }) {
  const session = useSession();
  const mayEdit = session.can('checkin-policy.edit');
  const [group, setGroup] = useState('');
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const [change, setChange] = useState<PolicyChange | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const listId = useId();
  // The first group shown in the table is offered, so the panel is useful without typing.
  useEffect(() => {
    if (group === '' && groups[0]) setGroup(groups[0]);
  }, [group, groups]);

  const show = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    setChange(null);
    setBusy(true);
    try {
      const found = await ok(
        api.GET('/api/v1/checkin-policy/{group}', { params: { path: { group: group.trim() } } }),
      );
      setPolicy(found);
      setMin(String(found.minSeconds));
      setMax(String(found.maxSeconds));
    } catch (failure) {
      setPolicy(null);
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!policy) return;
    const minSeconds = Number(min);
    const maxSeconds = Number(max);
    const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_PERIOD_SECONDS;
    if (!whole(minSeconds) || !whole(maxSeconds) || minSeconds > maxSeconds) {
      setError(
        `give whole numbers of seconds from 1 to ${MAX_PERIOD_SECONDS.toLocaleString('en-US')}, the minimum not above the maximum; nothing was changed`,
      );
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const answer = await ok(
        api.PUT('/api/v1/checkin-policy/{group}', {
          params: { path: { group: policy.group } },
          body: { minSeconds, maxSeconds },
        }),
      );
      setChange(answer);
      setPolicy({ group: answer.group, minSeconds: answer.minSeconds, maxSeconds: answer.maxSeconds });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="policy-title">
      <h2 id="policy-title">Check-in Policy</h2>
      <form className="toolbar" onSubmit={show}>
        <label>
          Machine group
          <input
            name="policy-group"
            list={listId}
            value={group}
            onChange={(e) => setGroup(e.target.value)}
            placeholder="web.acme"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <datalist id={listId}>
          {groups.map((g) => (
            <option key={g} value={g} />
          ))}
        </datalist>
        <button type="submit" className="secondary" disabled={busy || group.trim() === ''}>
          Show policy
        </button>
      </form>
      {policy ? (
        <form className="toolbar" onSubmit={save} aria-label={`Check-in Policy of ${policy.group}`}>
          <p className="policy-summary">
            Machines of <strong>{policy.group}</strong> and its subgroups check in every{' '}
            {policy.minSeconds.toLocaleString('en-US')} to {policy.maxSeconds.toLocaleString('en-US')}{' '}
            seconds; periods outside are brought to the nearest bound.
          </p>
          <label>
            Minimum period (seconds)
            <input
              name="policy-min"
              inputMode="numeric"
              value={min}
              onChange={(e) => setMin(e.target.value)}
              readOnly={!mayEdit}
            />
          </label>
          <label>
            Maximum period (seconds)
            <input
              name="policy-max"
              inputMode="numeric"
              value={max}
              onChange={(e) => setMax(e.target.value)}
              readOnly={!mayEdit}
            />
          </label>
          {mayEdit ? (
            <button type="submit" disabled={busy}>
              Save policy
            </button>
          ) : null}
        </form>
      ) : null}
      {change ? (
        <p className="notice" role="status">
          Saved the policy of {change.group}.{' '}
          {change.clamped.length === 0
            ? 'No machine had a period outside it.'
            : `${machineCount(change.clamped.length)} had their period brought inside it: ${change.clamped
                .slice(0, 10)
                .map((c) => `${c.machineId} ${c.requested} s → ${c.applied} s`)
                .join(', ')}${change.clamped.length > 10 ? ', …' : ''}.`}
        </p>
      ) : null}
      <ErrorNote error={error} />
    </section>
  );
}
