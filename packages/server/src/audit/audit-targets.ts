import type { AuditScopeKey, AuditTargets } from '../store/audit-record';

/** The group of a machine or device id (`name.group.org`). */
function groupOfId(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? '' : id.slice(dot + 1);
}

/**
 * The narrowest group a Machine.Group ID filter can reach: its trailing labels without
 * wildcards (`pc*.web.acme` reaches only `web.acme`), or '' (any group) for `*`.
 */
export function filterGroup(filter: string): string {
  const labels = filter.toLowerCase().split('.');
  const plain: string[] = [];
  for (let i = labels.length - 1; i >= 0; i -= 1) {
    const label = labels[i] as string;
    if (label === '' || /[*?]/.test(label)) break;
    plain.unshift(label);
  }
  return plain.join('.');
}

/**
 * The groups and machines an entry touches, for scoping: a caller sees the entry only when
 * their scope holds every one. An entry naming nothing scoped yields no keys.
 */
export function scopeKeysOf(targets: AuditTargets): AuditScopeKey[] {
  const keys: AuditScopeKey[] = [];
  for (const id of targets.machines ?? []) keys.push({ groupId: groupOfId(id), machineId: id });
  for (const id of targets.devices ?? []) keys.push({ groupId: groupOfId(id), machineId: id });
  for (const group of targets.groups ?? []) keys.push({ groupId: group, machineId: null });
  if (targets.filter !== undefined) keys.push({ groupId: filterGroup(targets.filter), machineId: null });
  return keys;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map((x) => x.toLowerCase()) : undefined;

/** The most machines (or devices) an entry names one by one. */
export const LISTED_TARGETS = 1_000;

/**
 * A request naming more than LISTED_TARGETS machines or devices is recorded by count and by the
 * groups they are in. Writing 100,000 ids (and a scoping row for each) into one entry would hold
 * the store for a second while every other request waits, and no administrator reads such a
 * list. Without the ids the entry is scoped by those groups, so nobody learns from it the name
 * of a machine their scope leaves out.
 */
export function summarizeTargets(targets: AuditTargets): AuditTargets {
  const out: AuditTargets = { ...targets };
  const groups = new Set(targets.groups ?? []);
  for (const [key, count] of [
    ['machines', 'machineCount'],
    ['devices', 'deviceCount'],
  ] as const) {
    const ids = targets[key];
    if (!ids || ids.length <= LISTED_TARGETS) continue;
    for (const id of ids) groups.add(groupOfId(id));
    delete out[key];
    out[count] = ids.length;
  }
  if (groups.size > 0) out.groups = [...groups].sort();
  return out;
}

/**
 * What a request acts on, read from its route and body the same way for every route: the id
 * of `/machines/:id…` and `/devices/:id…`, a `:group` parameter, other path parameters by
 * name, and a bulk body's `machines`, `devices` or `filter` (also inside `targets`, as
 * POST /commands has them) and its `group`.
 */
export function targetsOfRequest(route: string, params: unknown, body: unknown): AuditTargets {
  const targets: AuditTargets = {};
  const add = (key: 'machines' | 'devices' | 'groups', values: readonly string[]) => {
    targets[key] = [...(targets[key] ?? []), ...values];
  };
  if (isRecord(params)) {
    for (const [name, value] of Object.entries(params)) {
      if (typeof value !== 'string') continue;
      if (name === 'id' && /\/machines\/:id(\/|$)/.test(route)) add('machines', [value.toLowerCase()]);
      else if (name === 'id' && /\/devices\/:id(\/|$)/.test(route)) add('devices', [value.toLowerCase()]);
      else if (name === 'group') add('groups', [value.toLowerCase()]);
      else targets.ids = { ...targets.ids, [name]: value };
    }
  }
  for (const source of isRecord(body) ? [body, body.targets] : []) {
    if (!isRecord(source)) continue;
    const machines = strings(source.machines);
    const devices = strings(source.devices);
    if (machines) add('machines', machines);
    if (devices) add('devices', devices);
    if (typeof source.filter === 'string') targets.filter = source.filter;
    if (typeof source.group === 'string') add('groups', [source.group.toLowerCase()]);
  }
  return summarizeTargets(targets);
}
