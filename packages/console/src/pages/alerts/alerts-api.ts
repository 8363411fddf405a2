import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';

/** An alert as GET /alerts lists it: firing or resolved, of one machine and one rule. */
export type Alert = components['schemas']['Alert'];
/** An alert rule of a machine group (or organization) and its subgroups. */
export type AlertRule = components['schemas']['AlertRule'];
/** What POST /alert-rules and PUT /alert-rules/{id} take. */
export type AlertRuleBody = components['schemas']['AlertRuleBody'];
/** A maintenance window of a machine or a group that has not ended. */
export type MaintenanceWindow = components['schemas']['MaintenanceWindow'];
/** What POST /maintenance-windows takes. */
export type MaintenanceWindowBody = components['schemas']['MaintenanceWindowBody'];
/** What an alert rule watches. */
export type AlertCondition = AlertRule['condition'];

/** GET /alerts: the newest `limit` alerts (up to 1,000), of one state or both. */
export async function listAlerts(state: Alert['state'] | null, limit: number): Promise<Alert[]> {
  const query = state === null ? { limit } : { limit, state };
  return (await ok(api.GET('/api/v1/alerts', { params: { query } }))).items;
}

/** GET /alert-rules, by name. */
export async function listAlertRules(): Promise<AlertRule[]> {
  return (await ok(api.GET('/api/v1/alert-rules'))).items;
}

/** Creates a rule (id null) or replaces the settings of one. */
export function saveAlertRule(id: string | null, body: AlertRuleBody): Promise<AlertRule> {
  if (id === null) return ok(api.POST('/api/v1/alert-rules', { body }));
  return ok(api.PUT('/api/v1/alert-rules/{id}', { params: { path: { id } }, body }));
}

/** DELETE /alert-rules/{id}: its firing alerts are resolved without messages. */
export async function deleteAlertRule(id: string): Promise<void> {
  await ok(api.DELETE('/api/v1/alert-rules/{id}', { params: { path: { id } } }));
}

/** GET /maintenance-windows: those that have not ended, by start. */
export async function listMaintenanceWindows(): Promise<MaintenanceWindow[]> {
  return (await ok(api.GET('/api/v1/maintenance-windows'))).items;
}

/** POST /maintenance-windows. */
export function createMaintenanceWindow(body: MaintenanceWindowBody): Promise<MaintenanceWindow> {
  return ok(api.POST('/api/v1/maintenance-windows', { body }));
}

/** DELETE /maintenance-windows/{id}: the window ends now. */
export async function deleteMaintenanceWindow(id: string): Promise<void> {
  await ok(api.DELETE('/api/v1/maintenance-windows/{id}', { params: { path: { id } } }));
}
