import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { keyFingerprint } from '@muster/protocol';
import type { IdentityStore } from '../store/interfaces';

/** The server's long-lived identity: an Ed25519 key whose fingerprint is the Server ID. */
export interface ServerIdentity {
  privateKey: KeyObject;
  publicKeyDer: Buffer;
  serverId: string;
}

function fromPem(privateKeyPem: string): ServerIdentity {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyDer, serverId: keyFingerprint(publicKeyDer) };
}

/**
 * Holds the current server identity. It lives in the store (not beside the TLS certificate),
 * so every server node presents the same Server ID and a new certificate strands no agent.
 */
export class ServerIdentityService {
  private current: ServerIdentity | null = null;
  private readonly listeners: Array<(identity: ServerIdentity) => void> = [];

  constructor(private readonly store: IdentityStore) {}

  /** Loads the identity, creating it at first start. */
  async load(now: number): Promise<ServerIdentity> {
    const stored = await this.store.loadIdentity();
    if (stored) {
      this.current = fromPem(stored.privateKeyPem);
      return this.current;
    }
    return this.rotate(now);
  }

  /** The identity in force; load() must have run. */
  get identity(): ServerIdentity {
    if (!this.current) throw new Error('server identity not loaded');
    return this.current;
  }

  /**
   * Replaces the identity (the spec's Change ID). Agents bound to the old Server ID refuse
   * this server from then on, by design; listeners drop live sessions so they re-verify.
   */
  async rotate(now: number): Promise<ServerIdentity> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const identity = fromPem(privateKeyPem);
    await this.store.saveIdentity({
      privateKeyPem,
      publicKeyDer: identity.publicKeyDer.toString('base64'),
      createdAt: now,
    });
    const changed = this.current !== null;
    this.current = identity;
    if (changed) for (const listener of this.listeners) listener(identity);
    return identity;
  }

  /** Re-reads the stored identity (another node rotated it); notifies when it changed. */
  async reload(): Promise<void> {
    const stored = await this.store.loadIdentity();
    if (!stored) return;
    const identity = fromPem(stored.privateKeyPem);
    if (identity.serverId === this.current?.serverId) return;
    this.current = identity;
    for (const listener of this.listeners) listener(identity);
  }

  /** Calls `listener` whenever the identity changes. */
  onChange(listener: (identity: ServerIdentity) => void): void {
    this.listeners.push(listener);
  }
}
