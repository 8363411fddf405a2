import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { componentNames } from './openapi-components';

/** An answer of an operation, as the document gives it. */
interface Answer {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}

/** An operation of the document, with what the checks read. */
interface Operation {
  key: string;
  operationId?: string;
  permission?: string;
  tags: string[];
  hasBody: boolean;
  parameters: Array<{ in: string }>;
  responses: Record<string, Answer>;
}

/** The operation that answers a server-sent-event stream rather than one JSON body. */
const EVENT_STREAM = 'GET /api/v1/events';

const ERROR_REF = '#/components/schemas/ErrorResponse';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** What is wrong with one operation, by check; empty when it meets the contract. */
function problemsOf(op: Operation): string[] {
  const problems: string[] = [];
  if (!op.operationId) problems.push('no operationId');
  const statuses = Object.keys(op.responses);
  const successes = statuses.filter((s) => /^2\d\d$/.test(s));
  if (successes.length === 0) problems.push('no 2xx answer');
  for (const status of successes) {
    if (status === '204' || op.key === EVENT_STREAM) continue;
    const content = Object.values(op.responses[status]?.content ?? {});
    if (!content.some((media) => media.schema !== undefined))
      problems.push(`${status} has no content schema`);
  }
  const errorStatuses = op.permission === 'public' ? [] : ['401', '403'];
  const takesInput = op.hasBody || op.parameters.some((p) => p.in === 'query' || p.in === 'path');
  if (takesInput) errorStatuses.push('400');
  for (const status of errorStatuses) {
    if (!op.responses[status]) problems.push(`no ${status} answer`);
  }
  for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
    const schema = op.responses[status]?.content?.['application/json']?.schema;
    if (schema?.$ref !== ERROR_REF) problems.push(`${status} is not the ErrorResponse`);
  }
  return problems;
}

/** Every `$ref` in the document, with where it is. */
function refsOf(node: unknown, path: string, out: Array<{ at: string; ref: string }>) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      refsOf(child, `${path}/${i}`, out);
    });
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push({ at: path, ref: value });
      else refsOf(value, `${path}/${key}`, out);
    }
  }
  return out;
}

/** Resolves a local reference (`#/a/b`) in the document; undefined when it leads nowhere. */
function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** JSON Schema keywords OpenAPI 3.0 does not know, which a generator would trip on or ignore. */
const NOT_OPENAPI_3_0 = new Set([
  'const',
  'patternProperties',
  '$id',
  '$schema',
  '$defs',
  'if',
  'then',
  'else',
]);

function foreignKeywords(node: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      foreignKeywords(child, `${path}/${i}`, out);
    });
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      // Property names are data, not keywords.
      if (key !== 'properties' && NOT_OPENAPI_3_0.has(key)) out.push(`${path}/${key}`);
      if (key === 'type' && Array.isArray(value)) out.push(`${path}/type (a list)`);
      if (key === 'properties' && value && typeof value === 'object') {
        for (const [name, schema] of Object.entries(value))
          foreignKeywords(schema, `${path}/properties/${name}`, out);
      } else {
        foreignKeywords(value, `${path}/${key}`, out);
      }
    }
  }
  return out;
}

// The OpenAPI document is a contract (ARCHITECTURE.md, principle 10): the console and users'
// clients are generated from it. Read from the whole server as it is wired, so every route is
// in it the moment it exists.
describe('the OpenAPI document', () => {
  let api: TestApiServer;
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON.
  let document: any;
  const operations: Operation[] = [];

  before(async () => {
    api = await startTestApiServer({}, { listen: false });
    document = JSON.parse(JSON.stringify(api.server.app.swagger()));
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      for (const [method, raw] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const op = raw as Record<string, unknown>;
        operations.push({
          key: `${method.toUpperCase()} ${path}`,
          operationId: op.operationId as string | undefined,
          permission: op['x-permission'] as string | undefined,
          tags: (op.tags as string[] | undefined) ?? [],
          hasBody: op.requestBody !== undefined,
          parameters: (op.parameters as Array<{ in: string }> | undefined) ?? [],
          responses: (op.responses as Record<string, Answer> | undefined) ?? {},
        });
      }
    }
  });
  after(async () => {
    await api?.close();
  });

  it('holds every operation of the API', () => {
    assert.ok(operations.length > 80, `only ${operations.length} operations`);
    assert.equal(document.openapi, '3.0.3');
    assert.equal(document.info.title, 'Muster API');
    const tags = new Set((document.tags as Array<{ name: string }>).map((t) => t.name));
    const untagged = operations.filter((op) => op.tags.length === 0 || !op.tags.every((t) => tags.has(t)));
    assert.deepEqual(
      untagged.map((op) => op.key),
      [],
      'operations without a tag listed at the top of the document',
    );
  });

  it('is served without credentials', async () => {
    const answer = await api.send({ method: 'GET', path: '/openapi.json', token: null });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.openapi, '3.0.3');
    assert.deepEqual(Object.keys(answer.body.paths).sort(), Object.keys(document.paths).sort());
    // Whereas an API route without credentials is refused.
    assert.equal((await api.send({ method: 'GET', path: '/server', token: null })).status, 401);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations.map((op) => op.operationId).filter((id): id is string => id !== undefined);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(repeated, [], 'operationIds used twice');
    for (const id of ids) assert.match(id, /^[a-z][A-Za-z0-9]*$/, `operationId ${id} is not camelCase`);
  });

  it('gives every operation its success answer with a schema, 401/403 when authenticated, 400 when it takes input, all errors as ErrorResponse', () => {
    const wrong = operations.flatMap((op) => problemsOf(op).map((p) => `${op.key}: ${p}`));
    assert.deepEqual(wrong, []);
    // Checks that can fail: an operation with no answers at all fails every one of them.
    const empty: Operation = {
      key: 'PUT /x/{id}',
      tags: [],
      hasBody: true,
      parameters: [{ in: 'path' }],
      responses: {},
    };
    assert.deepEqual(problemsOf(empty), [
      'no operationId',
      'no 2xx answer',
      'no 401 answer',
      'no 403 answer',
      'no 400 answer',
    ]);
  });

  it('documents a public operation as needing no credentials', () => {
    const publicOps = operations.filter((op) => op.permission === 'public');
    assert.deepEqual(publicOps.map((op) => op.key).sort(), [
      'GET /healthz',
      'GET /readyz',
      'POST /api/v1/session',
    ]);
    assert.deepEqual(document.paths['/api/v1/session'].post.security, []);
  });

  it('documents the file download as raw bytes, and the upload as a raw body', () => {
    const download = document.paths['/api/v1/files/{id}/content'].get.responses['200'].content;
    assert.deepEqual(Object.keys(download), ['application/octet-stream']);
    assert.deepEqual(download['application/octet-stream'].schema, { type: 'string', format: 'binary' });
    const upload = document.paths['/api/v1/files'].post.requestBody.content;
    assert.deepEqual(upload['application/octet-stream'].schema, { type: 'string', format: 'binary' });
  });

  it('resolves every $ref inside the document', () => {
    const refs = refsOf(document, '#', []);
    assert.ok(refs.length > 100, `only ${refs.length} references`);
    const dangling = refs
      .filter((r) => resolve(document, r.ref) === undefined)
      .map((r) => `${r.at}: ${r.ref}`);
    assert.deepEqual(dangling, []);
  });

  it('names the shared schemas under components.schemas, and operations refer to them', () => {
    const schemas = Object.keys(document.components.schemas);
    for (const name of [
      'ErrorResponse',
      'InstallToken',
      'OffsiteServer',
      'LocalServer',
      'StoredFile',
      'User',
    ])
      assert.ok(schemas.includes(name), `components.schemas has no ${name}`);
    // Every schema named with component() is in the document, under its own name.
    assert.deepEqual(schemas.filter((n) => !componentNames().includes(n)).sort(), []);
    assert.deepEqual(
      componentNames()
        .filter((n) => !schemas.includes(n))
        .sort(),
      [],
    );
    const used = new Set(refsOf(document.paths, '#/paths', []).map((r) => r.ref));
    assert.ok(used.has(ERROR_REF));
    assert.ok(used.has('#/components/schemas/OffsiteServer'));
  });

  it('uses only what OpenAPI 3.0 knows, and describes every answer', () => {
    assert.deepEqual(foreignKeywords(document, '#', []), []);
    const undescribed = operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([, answer]) => !answer.description || answer.description === 'Default Response')
        .map(([status]) => `${op.key} ${status}`),
    );
    assert.deepEqual(undescribed, []);
  });
});
