/**
 * Every function a role may grant. A route or service names the one it needs; a role is a
 * named set of these. The list is closed: a role naming anything else is refused.
 */
export const PERMISSIONS = [
  'machines.view',
  'machines.manage',
  'checkin-control.edit',
  'checkin-policy.edit',
  'install-tokens.manage',
  'commands.run',
  'commands.run-shell',
  'commands.cancel',
  'files.read',
  'files.write',
  'devices.view',
  'devices.command',
  'devices.request-checkin',
  'replication.view',
  'replication.manage',
  'notifications.view',
  'notifications.manage',
  'webhooks.manage',
  'alerts.view',
  'alerts.manage',
  'users.manage',
  'audit.view',
  'server.manage',
  'remote.terminal',
] as const;

/** One permission. */
export type Permission = (typeof PERMISSIONS)[number];

const KNOWN = new Set<string>(PERMISSIONS);

/** Whether a string names a permission. */
export function isPermission(text: string): text is Permission {
  return KNOWN.has(text);
}
