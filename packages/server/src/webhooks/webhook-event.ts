import type { CommandChange, CommandStatus, TargetKind } from '../store/command-record';

/** The event type of a command status change (body `type` and header `x-muster-event`). */
export const COMMAND_STATUS_EVENT = 'command.status';

/** The JSON body POSTed to a webhook for one command status change. */
export interface CommandStatusWebhookEvent {
  /** The delivery id (also `x-muster-delivery`); receivers deduplicate on it. */
  id: string;
  type: typeof COMMAND_STATUS_EVENT;
  /** When the command changed status, ISO 8601. */
  occurredAt: string;
  command: {
    id: string;
    /** The machine or device id. */
    target: string;
    targetKind: TargetKind;
    /** The command type, e.g. `shell`. */
    type: string;
    status: CommandStatus;
  };
}

/** The webhook body of one command change, to be delivered as delivery `deliveryId`. */
export function commandStatusEvent(deliveryId: string, change: CommandChange): CommandStatusWebhookEvent {
  return {
    id: deliveryId,
    type: COMMAND_STATUS_EVENT,
    occurredAt: new Date(change.at).toISOString(),
    command: {
      id: change.id,
      target: change.targetId,
      targetKind: change.targetKind,
      type: change.type,
      status: change.status,
    },
  };
}
