/**
 * Whether a Machine.Group ID matches the Machine ID / Group ID filter, as the server decides it
 * (packages/server/src/domain/machine-filter.ts): with "*" a pattern over the whole id, "*"
 * matching any run of characters; without, that machine, or that group and its subgroups. The
 * replication lists are not filtered by the server, and are short, so they are filtered here.
 * An empty filter matches every machine.
 */
export function machineFilterMatches(filter: string, machineId: string): boolean {
  const f = filter.trim().toLowerCase();
  if (f === '') return true;
  if (f.includes('*')) {
    const pattern = f.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${pattern}$`).test(machineId);
  }
  return machineId === f || machineId.endsWith(`.${f}`);
}
