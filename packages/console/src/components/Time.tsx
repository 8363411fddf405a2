/**
 * A time from the API shown in the user's locale and time zone; the exact ISO 8601 time is in
 * its title (and its `dateTime`), so nothing is lost to the local format.
 */
export function Time({ iso, empty = '—' }: { iso: string | null | undefined; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span>{iso}</span>;
  return (
    <time dateTime={iso} title={iso}>
      {date.toLocaleString()}
    </time>
  );
}
