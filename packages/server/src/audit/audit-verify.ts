import type { AuditEntry } from '../store/audit-record';
import type { AuditReader } from '../store/interfaces';
import { entryHash, GENESIS_HASH } from './audit-hash';

/** How the chain was broken where verification stopped. */
export type AuditBreakKind = 'edited' | 'deleted' | 'inserted';

/** The first broken link of the chain. */
export interface AuditBreak {
  /** The entry (or, for deleted entries, the first missing seq) where the chain breaks. */
  seq: number;
  kind: AuditBreakKind;
  message: string;
}

/** The outcome of walking the chain. */
export type AuditVerification =
  | { ok: true; checked: number; headSeq: number; headHash: string }
  | { ok: false; checked: number; headSeq: number; headHash: string; broken: AuditBreak };

/** Entries read per query: the walk never holds the whole log in memory. */
const BATCH = 1000;

/**
 * Walks the chain oldest first in batches and reports the first broken link. The head is read
 * before the walk and only entries up to it are checked, so entries other nodes append
 * meanwhile are not mistaken for insertions; entries past the head as read after the walk are.
 * - edited: an entry's hash is not the hash of its own fields;
 * - deleted: a seq is missing (a gap, or the chain ends before its head);
 * - inserted: an entry does not link to the one before it, or lies beyond the head.
 */
export async function verifyAuditChain(reader: AuditReader): Promise<AuditVerification> {
  const head = await reader.auditHead();
  const report = (checked: number, broken: AuditBreak | null): AuditVerification =>
    broken
      ? { ok: false, checked, headSeq: head.seq, headHash: head.hash, broken }
      : { ok: true, checked, headSeq: head.seq, headHash: head.hash };
  let previous: AuditEntry | null = null;
  let checked = 0;
  for (;;) {
    const batch = await reader.auditChain(previous?.seq ?? 0, BATCH);
    for (const entry of batch) {
      if (entry.seq > head.seq) return finish();
      const broken = checkLink(previous, entry);
      if (broken) return report(checked, broken);
      previous = entry;
      checked += 1;
    }
    if (batch.length < BATCH) return finish();
  }

  async function finish(): Promise<AuditVerification> {
    const lastSeq = previous?.seq ?? 0;
    if (lastSeq < head.seq) {
      return report(checked, {
        seq: lastSeq + 1,
        kind: 'deleted',
        message: `entries ${lastSeq + 1} to ${head.seq} are missing: the chain ends at ${lastSeq} but its head is at ${head.seq}`,
      });
    }
    if (previous && previous.hash !== head.hash) {
      return report(checked, {
        seq: previous.seq,
        kind: 'inserted',
        message: `entry ${previous.seq} is not the entry the chain head recorded: it was replaced`,
      });
    }
    // Read the greatest seq before the head again: every entry appended properly by then is
    // at or below that head, so anything above it was not appended through the chain.
    const maxSeq = await reader.maxAuditSeq();
    const after = await reader.auditHead();
    if (maxSeq > after.seq) {
      return report(checked, {
        seq: after.seq + 1,
        kind: 'inserted',
        message: `entries after the chain head (${after.seq}) exist, up to ${maxSeq}: they were not appended through the chain`,
      });
    }
    return report(checked, null);
  }
}

function checkLink(previous: AuditEntry | null, entry: AuditEntry): AuditBreak | null {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (entry.seq !== expectedSeq) {
    const message =
      entry.seq - 1 === expectedSeq
        ? `entry ${expectedSeq} is missing (deleted)`
        : `entries ${expectedSeq} to ${entry.seq - 1} are missing (deleted)`;
    return { seq: expectedSeq, kind: 'deleted', message };
  }
  const { hash, ...fields } = entry;
  if (entryHash(fields) !== hash) {
    return {
      seq: entry.seq,
      kind: 'edited',
      message: `entry ${entry.seq} was edited: its contents no longer match its hash`,
    };
  }
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  if (entry.prevHash !== expectedPrev) {
    return {
      seq: entry.seq,
      kind: 'inserted',
      message: `entry ${entry.seq} does not link to entry ${expectedSeq - 1}: it was inserted or the one before it replaced`,
    };
  }
  return null;
}
