import { Type } from '@sinclair/typebox';
import { PERMISSIONS } from '../access/permissions';
import { component } from './openapi-components';

const Iso = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 64, description: 'letters, digits, ".", "_" and "-"' });
// A plain string: the services name an unknown permission in their answer, where a list of
// literals would only say "must be equal to constant" once per permission.
const PermissionName = Type.String({
  minLength: 1,
  maxLength: 64,
  description: `a permission: ${PERMISSIONS.join(', ')}`,
});

/** A user as the API shows them. */
export const UserSchema = component(
  'User',
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    displayName: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    disabled: Type.Boolean(),
    hasPassword: Type.Boolean(),
    totpEnrolled: Type.Boolean(),
    lastLoginAt: Iso,
    createdAt: Iso,
  }),
);

/** A (role, scope) pair by name. */
export const GrantSchema = component(
  'Grant',
  Type.Object(
    {
      role: Type.String({ minLength: 1, maxLength: 64 }),
      scope: Type.String({ minLength: 1, maxLength: 64 }),
    },
    { additionalProperties: false },
  ),
);

/** A role as the API shows it. */
export const RoleSchema = component(
  'Role',
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    permissions: Type.Array(Type.String()),
    requireTotp: Type.Boolean(),
    builtIn: Type.Boolean(),
    createdAt: Iso,
  }),
);

/** One line of a scope. */
export const ScopeEntrySchema = component(
  'ScopeEntry',
  Type.Object(
    {
      kind: Type.Union([Type.Literal('organization'), Type.Literal('group'), Type.Literal('machine')]),
      id: Type.String({ minLength: 1, maxLength: 300 }),
      include: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);

/** A scope as the API shows it. */
export const ScopeSchema = component(
  'Scope',
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    entries: Type.Array(ScopeEntrySchema),
    builtIn: Type.Boolean(),
    createdAt: Iso,
  }),
);

/** An API token as its owner sees it (never the token). */
export const TokenSchema = component(
  'ApiToken',
  Type.Object({
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    prefix: Type.Union([Type.String(), Type.Null()]),
    permissions: Type.Union([Type.Array(Type.String()), Type.Null()]),
    createdAt: Iso,
    expiresAt: Iso,
    lastUsedAt: Iso,
    revokedAt: Iso,
  }),
);

/** Path parameter of one user, role, scope or token (id, or name where names exist). */
export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Body of POST /users. */
export const NewUserBody = Type.Object(
  {
    name: Name,
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
    password: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
    grants: Type.Optional(Type.Array(GrantSchema, { maxItems: 100 })),
  },
  { additionalProperties: false },
);

/** Body of PATCH /users/{id}. */
export const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Body of POST /roles and PATCH /roles/{id}. */
export const RoleBody = Type.Object(
  {
    name: Name,
    permissions: Type.Array(PermissionName, { maxItems: PERMISSIONS.length, uniqueItems: true }),
    requireTotp: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Body of POST /scopes and PATCH /scopes/{id}. */
export const ScopeBody = Type.Object(
  { name: Name, entries: Type.Array(ScopeEntrySchema, { maxItems: 1000 }) },
  { additionalProperties: false },
);

/** Body of POST /tokens. */
export const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expiresInSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 10 * 365 * 86400 }), Type.Null()]),
    ),
    permissions: Type.Optional(Type.Union([Type.Array(PermissionName, { uniqueItems: true }), Type.Null()])),
    user: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'another user (needs users.manage)' }),
    ),
  },
  { additionalProperties: false },
);

/** Body of POST /session. */
export const SignInBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totpCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false },
);
