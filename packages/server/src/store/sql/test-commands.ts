import type { NewCommand } from '../command-record';

/** The group the SQL store's command tests queue for (ensure it before enqueueing). */
export const TEST_COMMAND_GROUP = 'lab.acme';

/** An audit command for machine `targetId` of TEST_COMMAND_GROUP, as the SQL store's tests queue it. */
export function auditCommand(id: string, targetId: string): NewCommand {
  return {
    id,
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: TEST_COMMAND_GROUP,
    type: 'audit',
    params: {},
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
  };
}
