import { type FormEvent, useState } from 'react';
import { Link, useLocation } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { Pager, SortHeader, usePagedList } from '../../components/paging';
import { Time } from '../../components/Time';
import { useLiveEvents } from '../../live/events';
import { DeviceStatus } from './DeviceStatus';
import { type DeviceView, loadDevicePage } from './device-api';
import { DEVICES_PAGE_SIZE, type DeviceSort } from './device-list';
import { formatMinutes, PLATFORM_NAMES } from './device-words';
import './devices.css';

/**
 * The Devices page: the mobile devices of the user's scopes, a page at a time, and the Device
 * Status of the one chosen (`?device=<id>`, so a device's status has its own address).
 */
export function DevicesPage(_props: { params: Record<string, string> }) {
  const { search } = useLocation();
  const chosen = search.get('device');
  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <DeviceList chosen={chosen} />
      {chosen ? <DeviceStatus key={chosen} id={chosen} /> : null}
    </section>
  );
}

/** The address of a device's status on this page. */
export const deviceHref = (id: string) => `/devices?device=${encodeURIComponent(id)}`;

function DeviceList({ chosen }: { chosen: string | null }) {
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<DeviceSort>({ column: 'id', descending: false });
  const list = usePagedList(
    (after) => loadDevicePage({ filter, sort, after }),
    [filter, sort.column, sort.descending],
  );
  // A device that checked in changes its row (last check-in, overdue): its commands' events say so.
  useLiveEvents('command', (event) => {
    if (event.targetKind !== 'device') return;
    if (list.page?.items.some((d) => d.id === event.target)) list.reload();
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft.trim().toLowerCase());
  };
  const items = list.page?.items ?? [];
  const header = (label: string, column: DeviceSort['column']) => (
    <SortHeader label={label} column={column} sort={sort} onSort={(next) => setSort(next as DeviceSort)} />
  );
  return (
    <>
      <form className="toolbar" onSubmit={apply} aria-label="Device filter">
        <label>
          Device ID / Group ID filter
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="*.phones.acme"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <button type="submit">Apply filter</button>
        <button
          type="button"
          className="secondary"
          disabled={filter === '' && draft === ''}
          onClick={() => {
            setDraft('');
            setFilter('');
          }}
        >
          Clear filter
        </button>
      </form>
      <ErrorNote error={list.error} />
      <div className="table-wrap">
        <table aria-label="Devices" aria-busy={list.loading}>
          <thead>
            <tr>
              {header('Device ID', 'id')}
              {header('Platform', 'platform')}
              <th>Model / OS</th>
              {header('Battery', 'batteryPercent')}
              {header('Last check-in', 'lastCheckinAt')}
              <th>Check-in interval</th>
              <th>Tracking</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <DeviceRow key={d.id} device={d} chosen={d.id === chosen} />
            ))}
            {items.length === 0 && !list.loading && !list.error ? (
              <tr>
                <td colSpan={7} className="muted">
                  {filter === '' ? 'No devices enrolled yet.' : `No device matches the filter “${filter}”.`}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pager list={list} pageSize={DEVICES_PAGE_SIZE} label="Devices" />
    </>
  );
}

function DeviceRow({ device: d, chosen }: { device: DeviceView; chosen: boolean }) {
  return (
    <tr aria-selected={chosen}>
      <td className="dev-id">
        <Link href={deviceHref(d.id)} aria-current={chosen ? 'true' : undefined}>
          {d.id}
        </Link>
        {d.overdue ? <span className="dev-tag dev-tag-warn">overdue</span> : null}
      </td>
      <td>{PLATFORM_NAMES[d.platform] ?? d.platform}</td>
      <td>
        {d.model ?? '—'} / {d.osVersion ?? '—'}
      </td>
      <td>{d.batteryPercent === null ? '—' : `${d.batteryPercent}%`}</td>
      <td>
        <Time iso={d.lastCheckinAt} empty="never" />
      </td>
      <td>{formatMinutes(d.checkinIntervalMinutes)}</td>
      <td>{d.tracking ? 'On' : 'Off'}</td>
    </tr>
  );
}
