import { createHash } from 'node:crypto';
import type { AuditEntry } from '../store/audit-record';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an entry that its hash covers: everything but the hash itself. */
export type HashedFields = Omit<AuditEntry, 'hash'>;

/**
 * SHA-256 over a canonical encoding of an entry: a JSON array of its fields in a fixed order,
 * with targets and details as the exact JSON text stored, and the previous entry's hash last.
 * An array (not an object) so no key order or dialect detail can change the bytes.
 */
export function entryHash(e: HashedFields): string {
  const canonical = JSON.stringify([
    'muster-audit-v1',
    e.seq,
    e.at,
    e.userId,
    e.userName,
    e.credentialKind,
    e.credentialId,
    e.address,
    e.action,
    e.targetsJson,
    e.detailsJson,
    e.status,
    e.result,
    e.prevHash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
