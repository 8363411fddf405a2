/**
 * Tables of people and their access (migration 009): users, roles, scopes, the (role, scope)
 * pairs users hold, API tokens and console sessions. Booleans are 0/1, lists are JSON text.
 */
export interface AccessTables {
  users: {
    id: string;
    name: string;
    display_name: string;
    email: string | null;
    password_hash: string | null;
    totp_secret: string | null;
    totp_last_step: number | null;
    disabled: number;
    last_login_at: number | null;
    created_at: number;
    updated_at: number;
  };
  roles: {
    id: string;
    name: string;
    permissions: string;
    require_totp: number;
    built_in: number;
    created_at: number;
    updated_at: number;
  };
  scopes: {
    id: string;
    name: string;
    entries: string;
    built_in: number;
    created_at: number;
    updated_at: number;
  };
  user_grants: { user_id: string; role_id: string; scope_id: string };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    token_hash: string;
    token_prefix: string | null;
    permissions: string | null;
    expires_at: number | null;
    created_at: number;
    last_used_at: number | null;
    revoked_at: number | null;
  };
  sessions: {
    id: string;
    user_id: string;
    secret_hash: string;
    csrf_hash: string;
    address: string | null;
    created_at: number;
    last_seen_at: number;
    expires_at: number;
    revoked_at: number | null;
  };
}
