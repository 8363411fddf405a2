import { randomUUID } from 'node:crypto';
import type { AlertRecord, AlertRuleRecord, NewAlertMessage } from '../store/alert-record';

/** The webhook event types of alerts (body `type` and header `x-muster-event`). */
export const ALERT_FIRED_EVENT = 'alert.fired';
/** See ALERT_FIRED_EVENT. */
export const ALERT_RESOLVED_EVENT = 'alert.resolved';

/** The JSON body POSTed to an organization's webhook when an alert fires or resolves. */
export interface AlertWebhookEvent {
  /** The message id (also `x-muster-delivery`); receivers deduplicate on it. */
  id: string;
  type: typeof ALERT_FIRED_EVENT | typeof ALERT_RESOLVED_EVENT;
  occurredAt: string;
  alert: {
    id: string;
    rule: string;
    ruleId: string;
    condition: string;
    machineId: string;
    state: string;
    message: string;
    firedAt: string;
    resolvedAt: string | null;
  };
}

/** Where an alert's rule sends its messages. */
export type AlertRecipients = Pick<AlertRuleRecord, 'emails' | 'webhook'>;

/** The organization of a group id (its last label). */
export function orgOf(groupId: string): string {
  return groupId.slice(groupId.lastIndexOf('.') + 1);
}

/**
 * The messages announcing an alert's change: one mail to the rule's recipients, one webhook
 * event to the machine's organization. Written with the change, in the same transaction.
 */
export function alertMessages(alert: AlertRecord, to: AlertRecipients, at: number): NewAlertMessage[] {
  const resolved = alert.state === 'resolved';
  const messages: NewAlertMessage[] = [];
  if (to.emails.length > 0) {
    const subject = `[Muster] ${resolved ? 'RESOLVED' : 'ALERT'}: ${alert.machineId}: ${alert.ruleName}`;
    const lines = [
      resolved ? `Resolved: ${alert.message}` : alert.message,
      '',
      `Machine:   ${alert.machineId}`,
      `Rule:      ${alert.ruleName} (${alert.condition})`,
      `Fired:     ${new Date(alert.firedAt).toISOString()}`,
      ...(alert.resolvedAt === null ? [] : [`Resolved:  ${new Date(alert.resolvedAt).toISOString()}`]),
      `Alert id:  ${alert.id}`,
    ];
    messages.push({
      id: randomUUID(),
      channel: 'email',
      recipients: to.emails,
      subject,
      body: `${lines.join('\n')}\n`,
    });
  }
  if (to.webhook) {
    const id = randomUUID();
    const event: AlertWebhookEvent = {
      id,
      type: resolved ? ALERT_RESOLVED_EVENT : ALERT_FIRED_EVENT,
      occurredAt: new Date(at).toISOString(),
      alert: {
        id: alert.id,
        rule: alert.ruleName,
        ruleId: alert.ruleId,
        condition: alert.condition,
        machineId: alert.machineId,
        state: alert.state,
        message: alert.message,
        firedAt: new Date(alert.firedAt).toISOString(),
        resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt).toISOString(),
      },
    };
    messages.push({
      id,
      channel: 'webhook',
      recipients: [orgOf(alert.groupId)],
      subject: event.type,
      body: JSON.stringify(event),
    });
  }
  return messages;
}
