import type { ReactNode } from 'react';
import { Time } from '../../components/Time';
import type { MachineDetail } from './machine-api';

const GIB = 1024 ** 3;

/** Bytes as the larger unit that keeps the number readable (memory sizes). */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const orNone = (text: string | null | undefined) => (text ? text : <span className="muted">—</span>);

/**
 * The machine's status and check-ins, and the summary of its latest audit. The history of its
 * connections, as the server stores it, is its own panel (CheckinHistory).
 */
export function MachineOverview({ machine }: { machine: MachineDetail }) {
  const audit = machine.audit;
  return (
    <div className="machine-columns">
      <section className="panel" aria-labelledby="machine-status-heading">
        <h2 id="machine-status-heading">Status and check-ins</h2>
        <dl className="facts">
          <Row label="Online">{machine.online ? 'yes' : 'no'}</Row>
          <Row label="Suspended">{machine.suspended ? 'yes' : 'no'}</Row>
          <Row label="Logged-on user">{orNone(machine.loggedOnUser)}</Row>
          <Row label="Last check-in">
            <Time iso={machine.lastCheckinAt} empty="never" />
          </Row>
          <Row label="First check-in">
            <Time iso={machine.firstCheckinAt} empty="never" />
          </Row>
          <Row label="Connected from">{orNone(machine.connectedFrom)}</Row>
          <Row label="Local addresses">
            {machine.localAddresses.length > 0 ? machine.localAddresses.join(', ') : orNone(null)}
          </Row>
          <Row label="Agent version">{orNone(machine.agentVersion)}</Row>
          <Row label="Remote control">{machine.remoteControlEnabled ? 'enabled' : 'disabled'}</Row>
          <Row label="Temporary agent">{machine.temporary ? 'yes' : 'no'}</Row>
          <Row label="Organization">{machine.organization}</Row>
        </dl>
      </section>
      <section className="panel" aria-labelledby="machine-audit-heading">
        <h2 id="machine-audit-heading">Audit</h2>
        {audit ? (
          <dl className="facts">
            <Row label="Host name">{audit.hostName}</Row>
            <Row label="Operating system">{audit.os}</Row>
            <Row label="CPU">
              {audit.cpu} ({audit.cores} cores)
            </Row>
            <Row label="Memory">{formatBytes(audit.memoryBytes)}</Row>
            <Row label="Hardware id">{audit.hardwareId}</Row>
            <Row label="Audited">
              <Time iso={audit.auditedAt} />
            </Row>
          </dl>
        ) : (
          <p className="muted">No audit yet: the agent sends one after its first check-in.</p>
        )}
      </section>
    </div>
  );
}
