import type { CheckinControl } from '@muster/protocol';
import type { FastifyRequest } from 'fastify';
import { type CheckinControlService, parseSelection } from '../services/checkin-control.service';
import type { CheckinPolicyService } from '../services/checkin-policy.service';
import type { NotificationService } from '../services/notification.service';
import type { SettingsReaders } from './audit.hook';

/** The services whose settings the audit log records before and after a change. */
export interface AuditedSettings {
  checkinControl: Pick<CheckinControlService, 'select'>;
  policies: Pick<CheckinPolicyService, 'showPolicy'>;
  notifications: Pick<NotificationService, 'switches'>;
}

/**
 * The check-in control settings of a bulk request's machines, grouped by identical settings so
 * that 100,000 machines sharing one configuration make one line, not 100,000.
 */
async function checkinControlOf(control: AuditedSettings['checkinControl'], body: unknown) {
  const { settings: _settings, ...selection } = (body ?? {}) as Record<string, unknown>;
  const machines = await control.select(parseSelection(selection));
  const groups = new Map<string, { checkinControl: CheckinControl; machines: string[] }>();
  for (const m of machines) {
    const key = JSON.stringify(m.checkinControl);
    const group = groups.get(key) ?? { checkinControl: m.checkinControl, machines: [] };
    group.machines.push(m.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Which settings routes are read before and after they run, and how. */
export function auditedSettingsReaders(s: AuditedSettings): SettingsReaders {
  return {
    'PUT /api/v1/checkin-control': (request: FastifyRequest) =>
      checkinControlOf(s.checkinControl, request.body),
    'PUT /api/v1/checkin-policy/:group': (request: FastifyRequest) =>
      s.policies.showPolicy((request.params as { group: string }).group),
    'PUT /api/v1/notification-settings': () => s.notifications.switches(),
  };
}
