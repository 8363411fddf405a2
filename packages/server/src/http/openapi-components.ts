import { type Static, type TSchema, type TUnsafe, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/*
 * Shared schemas: what becomes `components.schemas` of the OpenAPI document.
 *
 * The convention, one line per shared schema, next to the view it describes:
 *
 *     export const MachineSchema = component('Machine', Type.Object({ ... }));
 *
 * and then use `MachineSchema` in route schemas like any other schema (in `response`, `body`,
 * inside `Type.Array(...)` or `Type.Object(...)`). What it stands for is `{"$ref": "Machine"}`:
 * the document shows `#/components/schemas/Machine`, validation and serialization resolve it
 * through Fastify's shared schemas, and handler types are still inferred from the definition.
 * Nothing else to register: buildApp adds every named schema (registerComponents). A test that
 * builds its own Fastify instance with some routes calls registerComponents(app) before them.
 *
 * Never give a schema its own `$id` and put it inline in routes: fast-json-stringify refuses a
 * route that holds the same `$id` twice ("resolves to more than one schema"), and the document
 * would not name it. A reference is opaque to TypeBox, so keep the definition in a constant of
 * its own when another schema needs its properties (Type.Partial, spreading `.properties`).
 *
 * Every operation (see openapi-contract.test.ts): an `operationId` (camelCase, verb first:
 * listMachines, suspendMachine; it is also the action its audit entries are recorded under),
 * the success answer as the handler sends it (201 where it answers 201, `204: Type.Null()`
 * with `reply.status(204).send(null)`), and its errors from error-schema.ts: `...AUTH_ERRORS`,
 * `400: ErrorResponse` when it takes a body, query or path, 404/409 where the service throws
 * them, `...WRITE_ERRORS` when it writes. A response schema also decides what is sent: a
 * property it lacks is dropped, so type the view functions with `Static<typeof Definition>`.
 */

/** Component names: letters and digits, starting with a capital, as OpenAPI clients name types. */
const NAME = /^[A-Z][A-Za-z0-9]*$/;

const named = new Map<string, TSchema>();

/**
 * Names `schema` as the shared schema `name` (components.schemas.name) and returns the
 * reference to use in routes, typed as the schema itself. Throws on a name used twice, so two
 * modules never silently share one component.
 */
export function component<T extends TSchema>(name: string, schema: T): TUnsafe<Static<T>> {
  if (!NAME.test(name))
    throw new Error(`shared schema name "${name}": letters and digits, starting with a capital`);
  if (named.has(name)) throw new Error(`two shared schemas are named "${name}"`);
  named.set(name, { ...schema, $id: name });
  return Type.Unsafe<Static<T>>(Type.Ref(name));
}

/** The names of every shared schema defined so far (for the contract test). */
export function componentNames(): string[] {
  return [...named.keys()];
}

/**
 * Adds every shared schema to `app` (before its routes are built), so their references resolve
 * in validation, serialization and the OpenAPI document.
 */
export function registerComponents(app: FastifyInstance): void {
  for (const schema of named.values()) app.addSchema(schema);
}

/**
 * The swagger plugin's reference resolver: a shared schema keeps its name under
 * components.schemas (the plugin would otherwise call it def-0, def-1...).
 */
export const componentRefResolver = {
  buildLocalReference(
    json: Record<string, unknown>,
    _baseUri: unknown,
    _fragment: string,
    i: number,
  ): string {
    return typeof json.$id === 'string' ? json.$id : `def-${i}`;
  },
};
