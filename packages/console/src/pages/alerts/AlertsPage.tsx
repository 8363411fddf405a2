import { AlertList } from './AlertList';
import { AlertRules } from './AlertRules';
import { MaintenanceWindows } from './MaintenanceWindows';
import './alerts.css';

/**
 * Alerts: the alerts with their state, the alert rules per machine group that raise them, and
 * the maintenance windows that hold them back. Alerts are also sent by email and to the
 * organization's webhook, as each rule says.
 */
export function AlertsPage(_props: { params: Record<string, string> }) {
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <AlertList />
      <AlertRules />
      <MaintenanceWindows />
    </section>
  );
}
