import { PERMISSIONS } from '../access/permissions';
import { type Grant, Principal } from '../access/principal';
import type { AdminTokenStore } from '../store/interfaces';
import { hashSecret, newId, newSecretToken } from './secrets';

const MASTER_GRANT: Grant = { permissions: new Set(PERMISSIONS), scope: 'all' };

/** Checks admin API bearer tokens and creates the first one. */
export class AdminAuthService {
  // Verified hashes are remembered so the API does not hit the store on every request.
  private readonly known = new Set<string>();

  constructor(private readonly store: AdminTokenStore) {}

  /** Creates the first admin token if none exists; returns it (shown once) or null. */
  async ensureFirstToken(now: number): Promise<string | null> {
    if ((await this.store.countAdminTokens()) > 0) return null;
    const token = newSecretToken('mst');
    await this.store.addAdminToken({
      id: newId(),
      tokenHash: hashSecret(token),
      name: 'admin',
      createdAt: now,
    });
    return token;
  }

  /** Whether a presented bearer token is a valid admin token. */
  async verify(token: string): Promise<boolean> {
    const hash = hashSecret(token);
    if (this.known.has(hash)) return true;
    const ok = await this.store.adminTokenExists(hash);
    if (ok) this.known.add(hash);
    return ok;
  }

  /** The caller an admin token stands for: the master user, everything on everything. */
  async principalOf(token: string, address: string): Promise<Principal | null> {
    if (!(await this.verify(token))) return null;
    return new Principal(
      { userId: 'admin', userName: 'admin', credential: { kind: 'token', id: 'admin-token' }, address },
      [MASTER_GRANT],
    );
  }
}
