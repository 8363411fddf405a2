import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { machineCount } from '../../components/machine-rows';
import {
  type BindChoice,
  buildPatch,
  DEFAULT_AGENT_PORT,
  type DraftField,
  type DraftProblem,
  EMPTY_DRAFT,
  type SettingsDraft,
} from './checkin-settings';

/** What an Update answered: how many machines changed and whose period the policy moved. */
export interface UpdateResult {
  updated: number;
  clamped: Array<{ machineId: string; requested: number; applied: number }>;
}

/**
 * The header of the Check-In Control page: the fields to set (any subset; an empty field
 * changes nothing) and Update, which sends them for the checked machines. Every field is
 * checked before anything is sent; a bare computer name is refused here with the manual's
 * reason. It is a real form: Tab through the fields, Enter or the Update button sends it.
 */
export function CheckinControlForm({
  selected,
  onUpdated,
}: {
  selected: readonly string[];
  onUpdated: (result: UpdateResult, machines: readonly string[]) => void;
}) {
  const [draft, setDraft] = useState<SettingsDraft>(EMPTY_DRAFT);
  const [problems, setProblems] = useState<DraftProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const set = <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const built = buildPatch(draft);
    if ('problems' in built) {
      setProblems(built.problems);
      // The cursor goes to the first field to fix; its explanation is read out with it.
      const first = built.problems[0]?.field;
      if (first && first !== 'form')
        requestAnimationFrame(() => form.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus());
      return;
    }
    setProblems([]);
    if (selected.length === 0) {
      setProblems([{ field: 'form', message: 'check the machines to update first (or Select All)' }]);
      return;
    }
    const machines = [...selected];
    setBusy(true);
    try {
      const result = await ok(
        api.PUT('/api/v1/checkin-control', { body: { machines, settings: built.patch } }),
      );
      setDraft(EMPTY_DRAFT);
      onUpdated(result, machines);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const problemOf = (field: DraftField) => problems.find((p) => p.field === field)?.message;
  const text = (
    field: Exclude<keyof SettingsDraft, 'removeSecondary' | 'bind'>,
    label: ReactNode,
    hint = '',
  ) => (
    <Field label={label} problem={problemOf(field)} hint={hint}>
      {(ids) => (
        <input
          name={field}
          value={draft[field]}
          onChange={(e) => set(field, e.target.value)}
          inputMode={/Port|Seconds|KBps/.test(field) ? 'numeric' : undefined}
          spellCheck={false}
          autoCapitalize="off"
          {...ids}
        />
      )}
    </Field>
  );

  return (
    <form
      ref={form}
      className="panel checkin-form"
      onSubmit={submit}
      aria-labelledby="checkin-form-title"
      noValidate
    >
      <h2 id="checkin-form-title">Change the checked machines</h2>
      <p className="muted">Fill in only what should change; empty fields keep each machine's own value.</p>
      <div className="fields">
        {text('primaryHost', 'Primary KServer', 'IP address or fully qualified name')}
        {text('primaryPort', 'Primary Port', `${DEFAULT_AGENT_PORT} when empty`)}
        {text('secondaryHost', 'Secondary KServer', 'used only while the primary is unreachable')}
        {text('secondaryPort', 'Secondary Port', `${DEFAULT_AGENT_PORT} when empty`)}
        <label className="inline remove-secondary">
          <input
            type="checkbox"
            checked={draft.removeSecondary}
            onChange={(e) => set('removeSecondary', e.target.checked)}
          />
          Remove the Secondary KServer
        </label>
        {text('periodSeconds', 'Check-In Period (seconds)', "kept within the group's Check-in Policy")}
        <Field
          label="Bind to Kserver"
          problem={undefined}
          hint="bound agents check in only to this server's ID"
        >
          {(ids) => (
            <select
              name="bind"
              value={draft.bind}
              onChange={(e) => set('bind', e.target.value as BindChoice)}
              {...ids}
            >
              <option value="keep">Leave as it is</option>
              <option value="bind">Bind</option>
              <option value="unbind">Unbind</option>
            </select>
          )}
        </Field>
        {text('bandwidthKBps', 'Bandwidth Throttle (KB/s)', '0 turns it off')}
      </div>
      <div className="toolbar">
        <button type="submit" disabled={busy}>
          Update
        </button>
        <span className="muted">
          {selected.length === 0 ? 'No machine checked.' : `${machineCount(selected.length)} checked.`}
        </span>
      </div>
      {problemOf('form') ? (
        <p className="error" role="alert">
          {problemOf('form')}
        </p>
      ) : null}
      {problems.length > 0 && !problemOf('form') ? (
        <p className="error" role="alert">
          Nothing was sent: {problems.length === 1 ? 'a field needs' : `${problems.length} fields need`}{' '}
          attention (explained under {problems.length === 1 ? 'it' : 'each'}).
        </p>
      ) : null}
      <ErrorNote error={error} />
    </form>
  );
}

/** A labelled field with its hint and, when there is one, its problem (read out with the field). */
function Field({
  label,
  hint,
  problem,
  children,
}: {
  label: ReactNode;
  hint: string;
  problem: string | undefined;
  children: (ids: { id: string; 'aria-describedby': string; 'aria-invalid'?: true }) => ReactNode;
}) {
  const inputId = useId();
  const hintId = useId();
  const problemId = useId();
  return (
    <div className={problem ? 'field invalid' : 'field'}>
      <label htmlFor={inputId}>{label}</label>
      {children({
        id: inputId,
        'aria-describedby': problem ? `${problemId} ${hintId}` : hintId,
        ...(problem ? { 'aria-invalid': true as const } : {}),
      })}
      <small id={hintId} className="muted">
        {hint}
      </small>
      {problem ? (
        <small id={problemId} className="field-problem">
          {problem}
        </small>
      ) : null}
    </div>
  );
}
