import { useEffect, useState } from 'react';
import { Link, useLocation } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { MachineFilterBar } from '../../components/MachineFilterBar';
import { useMachineFilter } from '../../components/machine-filter';
import { Pager, SortHeader, usePagedList } from '../../components/paging';
import { Time } from '../../components/Time';
import { useLiveEvents } from '../../live/events';
import { DeviceStatus } from './DeviceStatus';
import type { DeviceView } from './device-api';
import { DEVICES_PAGE_SIZE, type DeviceSort, loadDevicePage } from './device-list';
import { formatMinutes, PLATFORM_NAMES } from './device-words';
import './devices.css';

/**
 * The Devices page: the mobile devices of the user's scopes that the Machine ID / Group ID filter
 * matches, searched, sorted and paged by the server, and the Device Status of the one chosen
 * (`?device=<id>`, so a device's status has its own address).
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
  // The Machine ID / Group ID filter of the machine pages: a device id is name.group too.
  const [filter] = useMachineFilter();
  const [searchText, setSearchText] = useState('');
  const search = useSettled(searchText.trim(), SEARCH_DELAY_MS);
  const [sort, setSort] = useState<DeviceSort>({ column: 'id', descending: false });
  const list = usePagedList(
    (after) => loadDevicePage({ filter, search, sort, after }),
    [filter, search, sort.column, sort.descending],
  );
  // A device that checked in changes its row (last check-in, overdue): its commands' events say so.
  useLiveEvents('command', (event) => {
    if (event.targetKind !== 'device') return;
    if (list.page?.items.some((d) => d.id === event.target)) list.reload();
  });
  const items = list.page?.items ?? [];
  const header = (label: string, column: DeviceSort['column']) => (
    <SortHeader label={label} column={column} sort={sort} onSort={(next) => setSort(next as DeviceSort)} />
  );
  return (
    <>
      <MachineFilterBar />
      <div className="toolbar">
        <label>
          Search
          <input
            type="search"
            name="device-search"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            placeholder="device id, name or model"
            maxLength={100}
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
      </div>
      <ErrorNote error={list.error} />
      <div className="table-wrap">
        <table aria-label="Devices" aria-busy={list.loading}>
          <thead>
            <tr>
              {header('Device ID', 'id')}
              {header('Platform', 'platform')}
              <th>Model / OS</th>
              <th>Battery</th>
              {header('Last check-in', 'lastCheckin')}
              {header('Enrolled', 'enrolled')}
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
                <td colSpan={8} className="muted">
                  {filter === '' && search === ''
                    ? 'No devices enrolled yet.'
                    : 'No device matches the filter and search.'}
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
      <td>
        <Time iso={d.enrolledAt} />
      </td>
      <td>{formatMinutes(d.checkinIntervalMinutes)}</td>
      <td>{d.tracking ? 'On' : 'Off'}</td>
    </tr>
  );
}

/** How long typing in the search box rests before the list is asked for again. */
const SEARCH_DELAY_MS = 250;

/** A value that follows another once it has not changed for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
