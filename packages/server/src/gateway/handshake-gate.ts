/**
 * Bounds the connections still in their handshake (TCP accepted, not yet welcomed). When
 * thousands of agents return at once after a restart, a server that starts every TLS
 * handshake finishes none in time: agents time out, retry and the work is wasted. Refusing
 * the excess at once, before TLS, costs nothing and the agents' backoff spreads them out.
 */
export class HandshakeGate {
  private inFlight = 0;

  constructor(private readonly limit: number) {}

  /** Takes a slot; false when all are taken (the connection should be dropped). */
  tryEnter(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight += 1;
    return true;
  }

  /** Gives a slot back. */
  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Connections in their handshake now. */
  get pending(): number {
    return this.inFlight;
  }
}
