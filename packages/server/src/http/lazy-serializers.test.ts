import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { startTestApiServer } from '../test-support/api-server';
import { lazySerializers } from './lazy-serializers';

/** A Fastify app with one route whose 200 answer has the given schema. */
async function appWith(responseSchema: Record<string, unknown>) {
  const serializers = lazySerializers();
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: serializers.buildSerializer } },
  });
  app.get('/thing', { schema: { response: { 200: responseSchema } } }, async () => ({
    name: 'x',
    secret: 's',
  }));
  await app.ready();
  return { app, serializers };
}

describe('response serializers built on first use', () => {
  it('starts without building them: a broken response schema only fails when built', async () => {
    // Fastify's own compiler builds (and so rejects) this schema while the app starts.
    const { app, serializers } = await appWith({
      type: 'object',
      properties: { name: { type: 'no-such-type' } },
    });
    assert.throws(() => serializers.buildAll(), /no-such-type|schema/i);
    await app.close();
  });

  it('serializes with the route schema once asked, dropping what the schema does not name', async () => {
    const { app } = await appWith({ type: 'object', properties: { name: { type: 'string' } } });
    const answer = await app.inject({ method: 'GET', url: '/thing' });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json(), { name: 'x' });
    await app.close();
  });

  it('every response schema of the real API builds', async () => {
    const serializers = lazySerializers();
    const api = await startTestApiServer({}, { serializers });
    try {
      // One per answer of every route (well over a hundred), each built once.
      assert.ok(serializers.buildAll() > 100);
      assert.equal(serializers.buildAll(), 0);
      assert.equal((await api.call('GET', '/server')).status, 200);
    } finally {
      await api.close();
    }
  });
});
