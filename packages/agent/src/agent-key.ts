import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint } from '@muster/protocol';
import { writeFileAtomic } from './atomic-file';

/** The agent's own key pair: made at first start, never leaves the state directory. */
export interface AgentKey {
  privateKey: KeyObject;
  publicKeyDer: Buffer;
  fingerprint: string;
}

/** Builds an AgentKey from a private key (used by the simulator too). */
export function agentKeyFrom(privateKey: KeyObject): AgentKey {
  const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyDer, fingerprint: keyFingerprint(publicKeyDer) };
}

/** A fresh Ed25519 key held in memory only. */
export function generateAgentKey(): AgentKey {
  return agentKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/** Loads `agent-key.pem` from the state directory, creating it (mode 0600) at first start. */
export function loadOrCreateAgentKey(stateDir: string): AgentKey {
  const file = join(stateDir, 'agent-key.pem');
  if (existsSync(file)) return agentKeyFrom(createPrivateKey(readFileSync(file, 'utf8')));
  const key = generateAgentKey();
  writeFileAtomic(file, key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
  return key;
}

/**
 * Makes a new key and stores it in place of the old one (re-enrollment: the server no longer
 * knows the old key, and a fresh one keeps the new account apart from anything the old key did).
 */
export function replaceAgentKey(stateDir: string): AgentKey {
  const key = generateAgentKey();
  writeFileAtomic(
    join(stateDir, 'agent-key.pem'),
    key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    0o600,
  );
  return key;
}
