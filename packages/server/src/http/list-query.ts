import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifySchemaValidationError } from 'fastify';
import type { SchemaErrorDataVar } from 'fastify/types/schema';
import { StringEnum } from './schemas';

/*
 * The query string of the console's lists (machines, commands, devices), one way for all:
 *
 *   limit   a page of at most this many (1..1000)
 *   after   where the page starts: the `next` of the page before, opaque
 *   sort    the column to order by (each list names its own), always ending with the id
 *   order   asc or desc
 *   search  text found in the list's searched columns, case-insensitively; "%", "_" and "\"
 *           are taken literally
 *
 * and an answer `{items, next, total}`: `next` is null after the last page, `total` counts
 * every item of the list with its filters and search, not only this page.
 */

/** The query parameters every list takes, with their descriptions. */
export function listParameters<const S extends readonly string[]>(sorts: S, defaultSort: S[number]) {
  return {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'a page of at most this many items' }),
    ),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        description:
          "where the page starts: the answer's `next` of the page before (opaque; valid only with the same sort and order)",
      }),
    ),
    sort: Type.Optional(
      StringEnum(sorts, {
        description: `the column to order by (default ${defaultSort}); ties are ordered by id, so the order is total`,
      }),
    ),
    order: Type.Optional(StringEnum(['asc', 'desc'] as const, { description: 'ascending or descending' })),
    search: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'text the item must contain (case-insensitive; "%", "_" and "\\" are literal)',
      }),
    ),
  };
}

/** The answer of a list: a page of items, the cursor of the next page and the total. */
export function ListAnswer<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    next: Type.Union([Type.String(), Type.Null()], {
      description: 'pass as `after` for the next page; null after the last page (and without a limit)',
    }),
    total: Type.Integer({
      minimum: 0,
      description: 'how many items the list holds with its filters and search (all pages)',
    }),
  });
}

/**
 * Says what is wrong with a list's query string in words an administrator can act on: an
 * unknown sort or order names the values allowed, an unknown parameter names the known ones
 * (Ajv alone says "must be equal to one of the allowed values" or "must NOT have additional
 * properties", naming neither). Given to a route as `schemaErrorFormatter`; the error handler
 * answers it as 400 invalid-input.
 */
export function explainQueryErrors(
  errors: FastifySchemaValidationError[],
  dataVar: SchemaErrorDataVar,
  known: readonly string[],
): Error {
  const parts = errors.map((e) => {
    const name = e.instancePath.replace(/^\//, '');
    const params = e.params as { allowedValues?: unknown[]; additionalProperty?: string };
    if (e.keyword === 'enum' && params.allowedValues)
      return `${name} must be one of ${params.allowedValues.join(', ')}`;
    if (e.keyword === 'additionalProperties' && params.additionalProperty)
      return `unknown parameter "${params.additionalProperty}" (known: ${known.join(', ')})`;
    return `${name ? `${name} ` : ''}${e.message ?? 'is not valid'}`;
  });
  return new Error(`${dataVar} ${parts.join('; ')}`);
}
