import type { ScopeFilter } from '../access/scope';
import { invalidInput } from '../domain/errors';
import type { NotificationRecord, NotificationStore } from '../store/interfaces';

/** Every notification type, each with its on/off switch (the spec's two check boxes). */
export const NOTIFICATION_TYPES = [
  'duplicate-account',
  'lan-via-gateway',
  'local-server-inactive',
  'offsite-corruption',
] as const;
/** One notification type. */
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Raises and lists administrator warnings, honouring each type's switch. */
export class NotificationService {
  constructor(
    private readonly store: NotificationStore,
    private readonly clock: () => number,
    /** Told of each warning raised for the first time (alert rules of the warning condition). */
    private readonly onRaised: (
      type: NotificationType,
      machineId: string | null,
      message: string,
      dedupeKey: string,
    ) => Promise<void> | void = () => {},
  ) {}

  /**
   * Raises a warning unless its type is switched off or the same warning (dedupe key) was
   * already raised, so a reconnecting agent does not flood the list.
   */
  async raise(
    type: NotificationType,
    machineId: string | null,
    message: string,
    dedupeKey: string,
  ): Promise<void> {
    const switches = await this.store.typeSwitches();
    if (switches.get(type) === false) return;
    const added = await this.store.addNotification({
      type,
      machineId,
      message,
      dedupeKey: `${type}:${dedupeKey}`,
      createdAt: this.clock(),
    });
    if (added) await this.onRaised(type, machineId, message, dedupeKey);
  }

  /** Lists notifications, newest first. */
  list(type: NotificationType | undefined, scope: ScopeFilter): Promise<NotificationRecord[]> {
    return this.store.listNotifications(type, scope);
  }

  /** The switch of every type (on unless turned off). */
  async switches(): Promise<Record<NotificationType, boolean>> {
    const stored = await this.store.typeSwitches();
    const out = {} as Record<NotificationType, boolean>;
    for (const type of NOTIFICATION_TYPES) out[type] = stored.get(type) ?? true;
    return out;
  }

  /** Turns types on or off; an unknown type changes nothing and is an error. */
  async setSwitches(changes: Record<string, boolean>): Promise<Record<NotificationType, boolean>> {
    const unknown = Object.keys(changes).filter(
      (t) => !(NOTIFICATION_TYPES as readonly string[]).includes(t),
    );
    if (unknown.length > 0) {
      throw invalidInput(
        `unknown notification type(s): ${unknown.join(', ')}; known: ${NOTIFICATION_TYPES.join(', ')}`,
      );
    }
    for (const [type, enabled] of Object.entries(changes)) await this.store.setTypeEnabled(type, enabled);
    return this.switches();
  }
}
