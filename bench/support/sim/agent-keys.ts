import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { AgentKey } from '@muster/agent';
import { keyFingerprint } from '@muster/protocol';

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The Ed25519 key of simulated agent `index`, derived from a run's `seed`: the orchestrator
 * derives the same keys to write the machine accounts into the store, so 100,000 agents start
 * with their accounts in place instead of enrolling one by one. Benchmark keys only.
 */
export function seededAgentKey(seed: string, index: number): AgentKey {
  const secret = createHash('sha256').update(`${seed}:${index}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, secret]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyDer, fingerprint: keyFingerprint(publicKeyDer) };
}
