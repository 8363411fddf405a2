/**
 * The window a node tells the agents it drops at once to come back in: long enough that,
 * spread evenly over it, they arrive at no more than `ratePerSecond` (what one node takes in
 * handshakes per second with room left for its other work), and at least one second.
 */
export function reconnectWindowSeconds(agents: number, ratePerSecond: number): number {
  if (!(ratePerSecond > 0)) throw new RangeError(`the reconnect rate must be above 0 (got ${ratePerSecond})`);
  return Math.max(1, Math.ceil(agents / ratePerSecond));
}
