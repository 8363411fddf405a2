import { ClockBadge, LockBadge, StatusGlyph } from './status-glyphs';

/**
 * The manual's eight check-in statuses, each with its icon and the words of its tooltip and
 * legend, plus the two marks drawn over an icon: the red clock of a temporary agent and the
 * lock of an agent bound to its server.
 */
export const CHECKIN_STATUSES = [
  { status: 'online', label: 'Online', tone: 'green' },
  { status: 'online-awaiting-audit', label: 'Online, awaiting the first audit', tone: 'green' },
  { status: 'user-logged-on', label: 'Online, user logged on', tone: 'green' },
  {
    status: 'user-idle',
    label: 'Online, user logged on but idle for 10 minutes or more',
    tone: 'amber',
  },
  { status: 'remote-control-disabled', label: 'Online, remote control disabled', tone: 'amber' },
  { status: 'offline', label: 'Offline', tone: 'grey' },
  { status: 'never-checked-in', label: 'Has never checked in', tone: 'grey' },
  { status: 'suspended', label: 'Suspended', tone: 'red' },
] as const;

/** One check-in status name. */
export type CheckinStatus = (typeof CHECKIN_STATUSES)[number]['status'];

const BY_STATUS = new Map<string, (typeof CHECKIN_STATUSES)[number]>(
  CHECKIN_STATUSES.map((s) => [s.status, s]),
);

/** What a status icon shows. */
export interface StatusIconProps {
  status: string;
  /** A temporary agent (removed after it goes offline): the red clock badge. */
  temporary?: boolean;
  /** Bound to its server (bind to Kserver): the lock badge. */
  bound?: boolean;
  /** The logged-on user, named in the tooltip. */
  loggedOnUser?: string | null;
}

/** The tooltip of a status icon: the status, the badges, and the logged-on user where there is one. */
export function statusTitle({ status, temporary, bound, loggedOnUser }: StatusIconProps): string {
  const parts: string[] = [BY_STATUS.get(status)?.label ?? status];
  if (loggedOnUser) parts.push(`user: ${loggedOnUser}`);
  if (temporary) parts.push('temporary agent');
  if (bound) parts.push('bound to this server');
  return parts.join(' · ');
}

/** A machine's check-in status as one icon with its badges; the text is its accessible name. */
export function StatusIcon(props: StatusIconProps) {
  const known = BY_STATUS.get(props.status);
  const title = statusTitle(props);
  return (
    <span
      className={`status-icon tone-${known?.tone ?? 'grey'}`}
      title={title}
      role="img"
      aria-label={title}
      data-status={props.status}
    >
      <StatusGlyph status={props.status} />
      {props.temporary ? (
        <span className="badge badge-clock">
          <ClockBadge />
        </span>
      ) : null}
      {props.bound ? (
        <span className="badge badge-lock">
          <LockBadge />
        </span>
      ) : null}
    </span>
  );
}

/** The legend of the status icons, as the manual lists them. */
export function StatusLegend() {
  return (
    <details className="legend">
      <summary>Legend</summary>
      <ul>
        {CHECKIN_STATUSES.map((s) => (
          <li key={s.status}>
            <StatusIcon status={s.status} /> {s.label}
          </li>
        ))}
        <li>
          <StatusIcon status="online" temporary /> Temporary agent (red clock)
        </li>
        <li>
          <StatusIcon status="online" bound /> Agent bound to this server (lock)
        </li>
      </ul>
    </details>
  );
}
