import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { Time } from '../../components/Time';
import { deviceLocations } from './device-api';

/** How far back the location list looks, by the choice's label. */
const RANGES = [
  { label: 'Last hour', ms: 3600_000 },
  { label: 'Last 24 hours', ms: 86_400_000 },
  { label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;

/** The most points shown at once (the newest). */
const SHOWN = 100;

/**
 * The device's recent locations, newest first. Tracking data arrives with each check-in, so
 * the list is read again when the device checks in (`version` changes).
 */
export function DeviceLocations({
  id,
  tracking,
  version,
}: {
  id: string;
  tracking: boolean;
  version: number;
}) {
  const [range, setRange] = useState<number>(RANGES[1].ms);
  const points = useLoad(
    () => deviceLocations(id, new Date(Date.now() - range).toISOString()),
    [id, range, version],
  );
  const newest = [...(points.data ?? [])]
    .sort((a, b) => ((a.at ?? '') < (b.at ?? '') ? 1 : -1))
    .slice(0, SHOWN);
  return (
    <section aria-labelledby="locations-title">
      <h3 id="locations-title">Recent locations</h3>
      <div className="toolbar">
        <label>
          Since
          <select aria-label="Since" value={range} onChange={(e) => setRange(Number(e.target.value))}>
            {RANGES.map((r) => (
              <option key={r.ms} value={r.ms}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={points.reload}>
          Refresh locations
        </button>
      </div>
      {tracking ? null : (
        <p className="muted">Tracking is off: the device sends no locations, and none are stored.</p>
      )}
      <ErrorNote error={points.error} />
      <div className="table-wrap">
        <table aria-label="Recent locations" aria-busy={points.loading}>
          <thead>
            <tr>
              <th>Time</th>
              <th>Latitude</th>
              <th>Longitude</th>
              <th>Accuracy</th>
              <th>Map</th>
            </tr>
          </thead>
          <tbody>
            {newest.map((p) => (
              <tr key={`${p.at}-${p.lat}-${p.lon}`}>
                <td>
                  <Time iso={p.at} />
                </td>
                <td>{p.lat.toFixed(5)}</td>
                <td>{p.lon.toFixed(5)}</td>
                <td>{p.accuracyMeters === null ? '—' : `${Math.round(p.accuracyMeters)} m`}</td>
                <td>
                  <a
                    href={`https://www.openstreetmap.org/?mlat=${p.lat}&mlon=${p.lon}#map=16/${p.lat}/${p.lon}`}
                    target="_blank"
                    rel="noopener noreferrer"
                    aria-label={`Map of ${p.lat}, ${p.lon}`}
                  >
                    Open map
                  </a>
                </td>
              </tr>
            ))}
            {newest.length === 0 && !points.loading ? (
              <tr>
                <td colSpan={5} className="muted">
                  No location stored in this time.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {(points.data?.length ?? 0) > SHOWN ? (
        <p className="muted">
          The newest {SHOWN} of {points.data?.length} points.
        </p>
      ) : null}
    </section>
  );
}
