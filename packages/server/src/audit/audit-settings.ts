import type { CheckinControl } from '@muster/protocol';
import type { FastifyRequest } from 'fastify';
import type { ScopeFilter } from '../access/scope';
import { scopeOf } from '../http/route-permission';
import { type MachineSelection, parseSelection } from '../services/checkin-control.service';
import type { NotificationService } from '../services/notification.service';
import type { MachineRecord } from '../store/machine-record';
import type { SettingsReaders } from './audit.hook';
import { LISTED_TARGETS } from './audit-targets';

/** The services whose settings the audit log records before and after a change. */
export interface AuditedSettings {
  checkinControl: { select(selection: MachineSelection, scope: ScopeFilter): Promise<MachineRecord[]> };
  policies: { showPolicy(group: string, scope: ScopeFilter): Promise<unknown> };
  notifications: Pick<NotificationService, 'switches'>;
}

/**
 * The check-in control settings of a bulk request's machines, grouped by identical settings so
 * that 100,000 machines sharing one configuration make one line, not 100,000. Each line names
 * its machines only when the request named few enough to be listed (see summarizeTargets);
 * otherwise it says how many.
 */
async function checkinControlOf(control: AuditedSettings['checkinControl'], request: FastifyRequest) {
  const { settings: _settings, ...selection } = (request.body ?? {}) as Record<string, unknown>;
  // Read in the caller's scope for the route, as the change itself is: what it may not see is not recorded.
  const machines = await control.select(parseSelection(selection), scopeOf(request));
  const groups = new Map<string, { checkinControl: CheckinControl; machines: string[] }>();
  for (const m of machines) {
    const key = JSON.stringify(m.checkinControl);
    const group = groups.get(key) ?? { checkinControl: m.checkinControl, machines: [] };
    group.machines.push(m.id);
    groups.set(key, group);
  }
  const listed = machines.length <= LISTED_TARGETS;
  return [...groups.values()].map((g) =>
    listed ? g : { checkinControl: g.checkinControl, machineCount: g.machines.length },
  );
}

/** Which settings routes are read before and after they run, and how. */
export function auditedSettingsReaders(s: AuditedSettings): SettingsReaders {
  return {
    'PUT /api/v1/checkin-control': (request: FastifyRequest) => checkinControlOf(s.checkinControl, request),
    'PUT /api/v1/checkin-policy/:group': (request: FastifyRequest) =>
      s.policies.showPolicy((request.params as { group: string }).group, scopeOf(request)),
    'PUT /api/v1/notification-settings': () => s.notifications.switches(),
  };
}
