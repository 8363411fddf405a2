import { Fragment, type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { MachineFilterBar } from '../../components/MachineFilterBar';
import { useMachineFilter } from '../../components/machine-filter';
import {
  fetchMachinePage,
  type MachineItem,
  machineCount,
  useLiveMachineRows,
} from '../../components/machine-rows';
import { Pager, usePagedList } from '../../components/paging';
import { SelectionButtons, useRowSelection } from '../../components/row-selection';
import { StatusIcon, StatusLegend } from '../../components/StatusIcon';
import { CheckinControlForm, type UpdateResult } from './CheckinControlForm';
import { CheckinPolicyPanel } from './CheckinPolicyPanel';
import { formatAddress } from './checkin-settings';
import { WarningsPanel } from './WarningsPanel';
import './checkin-control.css';

/** Rows per page of the check-in control list. */
const PAGE_SIZE = 50;
/**
 * While a shown row waits for its agent, the page asks again this often: the `machine` event
 * of the confirmation normally patches the row at once, this covers a stream that broke.
 */
const PENDING_POLL_MS = 5_000;

/** The settings of check-in control, by their API names. */
type Setting = MachineItem['pendingSettings'][number];
const ALL_SETTINGS: readonly Setting[] = [
  'primary',
  'secondary',
  'periodSeconds',
  'bindToServer',
  'bandwidthKBps',
];

/**
 * The settings of a machine its agent has not confirmed yet (the manual shows them in red): those
 * the server names, or all of them when it says only that something is unconfirmed.
 */
export function pendingOf(m: MachineItem): ReadonlySet<Setting> {
  if (m.pendingSettings.length > 0) return new Set(m.pendingSettings);
  return new Set(m.settingsApplied ? [] : ALL_SETTINGS);
}

type Settings = MachineItem['checkinControl'];

/** How the table writes each setting. */
const SHOW: { [K in Setting]: (c: Settings) => ReactNode } = {
  primary: (c) =>
    c.primary ? formatAddress(c.primary) : <span className="muted">set by its first agent</span>,
  secondary: (c) => (c.secondary ? formatAddress(c.secondary) : <span className="muted">none</span>),
  periodSeconds: (c) => `${c.periodSeconds.toLocaleString('en-US')} s`,
  bindToServer: (c) => (c.bindToServer ? 'Bound' : 'No'),
  bandwidthKBps: (c) => (c.bandwidthKBps === 0 ? 'Off' : `${c.bandwidthKBps.toLocaleString('en-US')} KB/s`),
};

/**
 * The Check-In Control page: where and how often each agent checks in. The machines the filter
 * matches, with the manual's columns; check rows, fill in any of the header fields, Update.
 * Values the agent has not taken yet show in red as pending until it confirms them (live).
 * Below: the Check-in Policy of a group and the two warning switches with their warnings.
 */
export function CheckinControlPage(_props: { params: Record<string, string> }) {
  const session = useSession();
  const [filter] = useMachineFilter();
  const list = usePagedList((after) => fetchMachinePage({ filter, limit: PAGE_SIZE, after }), [filter]);
  useLiveMachineRows(list);
  const items = list.page?.items ?? [];
  const selection = useRowSelection(
    items.map((m) => m.id),
    [filter, list.index],
  );
  const [result, setResult] = useState<UpdateResult | null>(null);
  const anyPending = items.some((m) => pendingOf(m).size > 0);
  const { reload } = list;
  useEffect(() => {
    if (!anyPending) return;
    const timer = setInterval(reload, PENDING_POLL_MS);
    return () => clearInterval(timer);
  }, [anyPending, reload]);
  const groups = useMemo(() => [...new Set(items.map((m) => m.group))].sort(), [items]);
  const mayEdit = session.can('checkin-control.edit');

  return (
    <section aria-labelledby="checkin-title">
      <h1 id="checkin-title">Check-In Control</h1>
      <p className="muted">
        When and where each agent checks in. Values shown <span className="pending">in red</span> are not yet
        confirmed by the agent.
      </p>
      <MachineFilterBar />
      {mayEdit ? (
        <CheckinControlForm
          selected={selection.ids}
          onUpdated={(answer) => {
            setResult(answer);
            reload();
          }}
        />
      ) : null}
      {result ? <UpdateNotice result={result} /> : null}
      <div className="toolbar">
        {mayEdit ? <SelectionButtons selection={selection} shown={items.length} /> : null}
      </div>
      <ErrorNote error={list.error} />
      <div className="table-wrap">
        <table className="checkin-table" aria-label="Check-in control" aria-busy={list.loading}>
          <thead>
            <tr>
              {mayEdit ? <th>Select</th> : null}
              <th>Status</th>
              <th>Machine.Group ID</th>
              <th>Primary KServer</th>
              <th>Secondary KServer</th>
              <th>Check-In Period</th>
              <th>Bind to Kserver</th>
              <th>Bandwidth Throttle</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <CheckinRow
                key={m.id}
                machine={m}
                selected={selection.has(m.id)}
                onSelect={mayEdit ? (on) => selection.toggle(m.id, on) : null}
              />
            ))}
            {items.length === 0 && !list.loading && !list.error ? (
              <tr>
                <td colSpan={mayEdit ? 8 : 7} className="muted">
                  {filter === '' ? 'No machines yet.' : `No machine matches the filter “${filter}”.`}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pager list={list} pageSize={PAGE_SIZE} label="Check-in control" />
      <StatusLegend />
      <CheckinPolicyPanel groups={groups} />
      {session.can('notifications.view') ? <WarningsPanel /> : null}
    </section>
  );
}

/** What an Update did, and the periods the groups' Check-in Policy moved. */
function UpdateNotice({ result }: { result: UpdateResult }) {
  return (
    <div className="notice" role="status">
      <p>
        Updated {machineCount(result.updated)}. Their agents take the new settings at once if connected,
        otherwise when they next check in; until then the values show in red.
      </p>
      {result.clamped.length > 0 ? (
        <>
          <p>
            The Check-in Policy of their group moved the Check-In Period of{' '}
            {machineCount(result.clamped.length)}:
          </p>
          <ul className="clamped">
            {result.clamped.slice(0, 20).map((c) => (
              <li key={c.machineId}>
                {c.machineId}: asked {c.requested} s, set to {c.applied} s
              </li>
            ))}
            {result.clamped.length > 20 ? <li>and {result.clamped.length - 20} more</li> : null}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** One machine's check-in control settings; pending values are red and say so. */
function CheckinRow({
  machine: m,
  selected,
  onSelect,
}: {
  machine: MachineItem;
  selected: boolean;
  /** Null when the user may not act on the rows: no check box then. */
  onSelect: ((on: boolean) => void) | null;
}) {
  const pending = pendingOf(m);
  const applied = m.appliedCheckinControl;
  const cell = (setting: Setting) =>
    pending.has(setting) ? (
      <td className="pending" data-column={setting}>
        {SHOW[setting](m.checkinControl)} <span className="pending-tag">(pending)</span>
        {applied ? <span className="agent-has">agent has {SHOW[setting](applied)}</span> : null}
      </td>
    ) : (
      <td data-column={setting}>{SHOW[setting](m.checkinControl)}</td>
    );
  return (
    <tr aria-selected={selected} data-machine={m.id}>
      {onSelect ? (
        <td>
          <input
            type="checkbox"
            aria-label={`Select ${m.id}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      ) : null}
      <td>
        <StatusIcon status={m.status} temporary={m.temporary} bound={m.bound} loggedOnUser={m.loggedOnUser} />
      </td>
      <td className="machine-id">
        <Link href={`/machines/${encodeURIComponent(m.id)}`}>{m.id}</Link>
      </td>
      {ALL_SETTINGS.map((setting) => (
        <Fragment key={setting}>{cell(setting)}</Fragment>
      ))}
    </tr>
  );
}
