/** How each status reads, in the manual's words where it has them. */
export const STATUS_WORDS: Record<string, string> = {
  pending: 'Pending',
  processing: 'Processing',
  complete: 'Complete',
  failed: 'Failed',
  expired: 'Expired',
  canceled: 'Canceled',
  unknown: 'Unknown (may have run)',
};

/** A command's status as a word with its colour. */
export function CommandStatusBadge({ status }: { status: string }) {
  return (
    <span className={`command-status command-${status}`} data-status={status}>
      {STATUS_WORDS[status] ?? status}
    </span>
  );
}
