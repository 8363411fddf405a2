import { LOCK_FILE, PID_FILE } from '../data-dir-lock';

/** The SQLite store in a data directory. */
export const STORE_FILE = 'muster.db';

/**
 * What a backup never carries: the running process's lock and pid (they describe a process,
 * not the server's data), and SQLite's journal, WAL and shared-memory files, whose committed
 * content the online backup has already folded into its copy of the store. A WAL file left
 * beside a restored store would even be replayed into it, so a restore moves these aside too.
 */
export const RUNTIME_FILES: ReadonlySet<string> = new Set([
  LOCK_FILE,
  PID_FILE,
  `${STORE_FILE}-wal`,
  `${STORE_FILE}-shm`,
  `${STORE_FILE}-journal`,
]);

/**
 * Why each file a server keeps in its data directory belongs in a backup. Every other regular
 * file there is carried too (a later version may keep more), and listed in the manifest.
 */
export const KNOWN_FILES: Readonly<Record<string, string>> = {
  [STORE_FILE]:
    'the store: the server identity key (the Server ID agents are bound to), machine accounts and agent keys, users, API token hashes, the command queue, files, audit log',
  'tls-cert.pem':
    'the self-signed agent and device certificate: devices that pinned it as their CA keep trusting a restored server',
  'tls-key.pem': 'the private key of that certificate',
  'admin-token':
    'the first admin API token in plain text (the store keeps only its hash): the CLI beside the server reads it by default',
  'admin-password': 'the console password made for admin at the first start, kept until it is changed',
  'node-id':
    "this node's id, which marks the machines whose agents it holds: a restored node clears the flags its last run left",
};
