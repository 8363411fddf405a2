import { invalidInput } from './errors';

const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

/**
 * Validates a machine group id such as "web.acme" or "eu.web.acme": dot-separated labels, the
 * last one being the organization. Returns the normalized (lower-case) id.
 */
export function parseGroupId(text: string): string {
  const id = text.trim().toLowerCase();
  const labels = id.split('.');
  if (id.length === 0 || id.length > 200 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    throw invalidInput(
      `"${text}" is not a machine group id: use dot-separated names ending with the organization, such as "web.acme"`,
    );
  }
  return id;
}

/** Validates a machine name (the first label of a Machine.Group ID). */
export function parseMachineName(text: string): string {
  const name = text.trim().toLowerCase();
  if (!LABEL.test(name)) {
    throw invalidInput(
      `"${text}" is not a valid machine name: use letters, digits, "-" and "_" (at most 63), no dots`,
    );
  }
  return name;
}

/**
 * Derives a machine name from a host name: the first label, lower-cased, with characters a
 * machine name cannot hold replaced, so any host can enroll without the admin naming it.
 */
export function machineNameFromHost(hostName: string): string {
  const first = (hostName.split('.')[0] ?? '').toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  const trimmed = first.replace(/^[-_]+|[-_]+$/g, '').slice(0, 63);
  return trimmed.length > 0 ? trimmed : 'machine';
}

/** The organization of a group id: its last label. */
export function organizationOf(groupId: string): string {
  return groupId.slice(groupId.lastIndexOf('.') + 1);
}

/** The parent group of a group id, or null for a top-level group ("web.acme" has none). */
export function parentGroupOf(groupId: string): string | null {
  const labels = groupId.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : null;
}

/** The group ids from a group up to its top-level group, nearest first. */
export function groupAncestry(groupId: string): string[] {
  const out: string[] = [];
  for (let g: string | null = groupId; g; g = parentGroupOf(g)) out.push(g);
  return out;
}
