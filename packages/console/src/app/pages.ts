import type { ComponentType } from 'react';
import { AccountPage } from '../pages/account/AccountPage';
import { AdminPage } from '../pages/admin/AdminPage';
import { AlertsPage } from '../pages/alerts/AlertsPage';
import { CheckinControlPage } from '../pages/checkin-control/CheckinControlPage';
import { DevicesPage } from '../pages/devices/DevicesPage';
import { EnrollPage } from '../pages/enroll/EnrollPage';
import { MachinePage } from '../pages/machine/MachinePage';
import { MachinesPage } from '../pages/machines/MachinesPage';
import { ReplicationPage } from '../pages/replication/ReplicationPage';
import { TerminalSessionsPage } from '../pages/terminal-sessions/TerminalSessionsPage';

/** A page of the console: where it is, its title in the menu, and who may see it. */
export interface PageEntry {
  /** A path pattern; `:name` parts reach the page as params. */
  path: string;
  /** Shown in the menu and the window title; null keeps the page out of the menu. */
  title: string | null;
  /** The permission the user needs (in any scope) to see the page at all. */
  permission: string | null;
  /** Some permission of these is enough (Administration has several). */
  anyOf?: readonly string[];
  component: ComponentType<{ params: Record<string, string> }>;
}

/** Every page, in menu order. The first the user may see is the start page. */
export const PAGES: readonly PageEntry[] = [
  { path: '/machines', title: 'Machines', permission: 'machines.view', component: MachinesPage },
  {
    path: '/checkin-control',
    title: 'Check-In Control',
    permission: 'machines.view',
    component: CheckinControlPage,
  },
  { path: '/machines/:id', title: null, permission: 'machines.view', component: MachinePage },
  { path: '/devices', title: 'Devices', permission: 'devices.view', component: DevicesPage },
  {
    path: '/replication',
    title: 'Offsite Servers',
    permission: 'replication.view',
    component: ReplicationPage,
  },
  {
    path: '/terminal-sessions',
    title: 'Terminal sessions',
    permission: 'remote.terminal',
    component: TerminalSessionsPage,
  },
  { path: '/alerts', title: 'Alerts', permission: 'alerts.view', component: AlertsPage },
  { path: '/enroll', title: 'Enroll', permission: 'install-tokens.manage', component: EnrollPage },
  {
    path: '/admin',
    title: 'Administration',
    permission: null,
    anyOf: ['users.manage', 'audit.view', 'server.manage'],
    component: AdminPage,
  },
  {
    path: '/admin/:section',
    title: null,
    permission: null,
    anyOf: ['users.manage', 'audit.view', 'server.manage'],
    component: AdminPage,
  },
  { path: '/account', title: null, permission: null, component: AccountPage },
];

/** Whether a user with these permissions may see a page. */
export function mayOpen(page: PageEntry, can: (permission: string) => boolean): boolean {
  if (page.permission !== null && !can(page.permission)) return false;
  if (page.anyOf && !page.anyOf.some(can)) return false;
  return true;
}
