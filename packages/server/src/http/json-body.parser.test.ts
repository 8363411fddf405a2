import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { registerErrorHandling } from './error-handler';
import { registerJsonBodyParser } from './json-body.parser';

describe('JSON body parser', () => {
  const app = Fastify();
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  app.post('/no-body', async (request) => ({ body: request.body ?? null }));
  app.post('/with-body', { schema: { body: Type.Object({ name: Type.String() }) } }, async (request) => ({
    body: request.body,
  }));
  after(() => app.close());

  const post = (url: string, payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  it('accepts an empty body with a JSON content type as no body', async () => {
    const empty = await post('/no-body', '');
    assert.equal(empty.statusCode, 200, empty.body);
    assert.deepEqual(empty.json(), { body: null });
    const blank = await post('/no-body', ' \n', 'application/json; charset=utf-8');
    assert.equal(blank.statusCode, 200, blank.body);
    assert.deepEqual(blank.json(), { body: null });
  });

  it('still parses a body and refuses malformed JSON and prototype poisoning', async () => {
    const ok = await post('/with-body', '{"name":"x"}');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { body: { name: 'x' } });
    const bad = await post('/with-body', '{"name":');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid-input');
    const poisoned = await post('/no-body', '{"__proto__":{"admin":true}}');
    assert.equal(poisoned.statusCode, 400);
  });

  it('leaves a required body to the schema, which names what is missing', async () => {
    const response = await post('/with-body', '');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, 'invalid-input');
    assert.match(response.json().error.message, /body/);
  });
});
