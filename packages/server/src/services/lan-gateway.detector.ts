import { isLoopback, normalizeAddress, type SubnetSet } from '../domain/subnets';
import type { NotificationService } from './notification.service';

/**
 * Warns when an agent reports a local address inside one of the server's own LAN subnets but
 * its connection arrives from another address: it is reaching the server through a gateway
 * or router instead of directly, which some routers handle badly.
 */
export class LanGatewayDetector {
  constructor(
    private readonly lanSubnets: () => SubnetSet,
    private readonly notifications: NotificationService,
  ) {}

  /** The agent's address on the server's LAN if it connects from elsewhere, else null. */
  lanAddressBypassed(localAddresses: readonly string[], remoteAddress: string): string | null {
    // A loopback connection comes from the server's own host: no gateway is in the way.
    if (isLoopback(remoteAddress)) return null;
    const remote = normalizeAddress(remoteAddress);
    const local = localAddresses.map(normalizeAddress);
    if (local.includes(remote)) return null;
    const subnets = this.lanSubnets();
    return local.find((a) => subnets.contains(a)) ?? null;
  }

  /** Raises the lan-via-gateway warning when the agent's connection bypasses its LAN address. */
  async check(machineId: string, localAddresses: readonly string[], remoteAddress: string): Promise<void> {
    const lanAddress = this.lanAddressBypassed(localAddresses, remoteAddress);
    if (!lanAddress) return;
    await this.notifications.raise(
      'lan-via-gateway',
      machineId,
      `Agent ${machineId} is on the server's LAN (its address ${lanAddress}) but connects through ` +
        `${normalizeAddress(remoteAddress)}, a gateway or router. Set its check-in control primary host ` +
        "to the server's internal address so its traffic stays on the LAN.",
      `${machineId}:${normalizeAddress(remoteAddress)}`,
    );
  }
}
