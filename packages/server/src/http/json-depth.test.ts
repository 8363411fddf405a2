import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { DEVICE_API_PREFIX } from '@muster/protocol';
import { ErrorCode, MusterError } from '../domain/errors';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { assertJsonDepth, MAX_JSON_DEPTH } from './json-depth';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
/** A value nested `depth` levels deep in objects: {"a":{"a":...{}}}. */
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('JSON nesting depth', () => {
  it('allows MAX_JSON_DEPTH levels and refuses one more, with invalid-input', () => {
    assert.doesNotThrow(() => assertJsonDepth(nested(MAX_JSON_DEPTH)));
    assert.doesNotThrow(() => assertJsonDepth(nestedObject(MAX_JSON_DEPTH)));
    assert.throws(
      () => assertJsonDepth(nested(MAX_JSON_DEPTH + 1)),
      (e: unknown) =>
        e instanceof MusterError && e.code === ErrorCode.invalidInput && /deeper than 64/.test(e.message),
    );
    assert.throws(() => assertJsonDepth(nestedObject(MAX_JSON_DEPTH + 1)), MusterError);
    // Siblings do not add up: depth is nesting, not the number of brackets.
    assert.doesNotThrow(() => assertJsonDepth(`[${Array(1000).fill('[[]]').join(',')}]`));
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ s: `${'['.repeat(500)}\\"${'{'.repeat(500)}` });
    assert.doesNotThrow(() => assertJsonDepth(inString));
    // After an escaped quote the string goes on; after the closing quote brackets count again.
    assert.throws(() => assertJsonDepth(`["\\"[[[", ${nested(MAX_JSON_DEPTH)}]`), MusterError);
  });
});

describe('deeply nested request bodies', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({}, { listen: true });
  });
  after(async () => {
    await api?.close();
  });

  const deep = (depth: number) =>
    `{"targets":{"devices":["d1.web.acme"]},"type":"ring","params":{"x":${nested(depth)}}}`;

  it('answer 400 invalid-input on every API route, not 500', async () => {
    const cases: Array<[string, string, string]> = [
      ['POST', '/commands', deep(10_000)],
      ['PUT', '/checkin-control', `{"filter":"*","settings":{"primary":${nestedObject(10_000)}}}`],
      ['PUT', '/checkin-policy/web.acme', nested(10_000)],
      ['POST', '/install-tokens', nestedObject(100)],
    ];
    for (const [method, path, body] of cases) {
      const answer = await api.call(method, path, body);
      assert.equal(answer.status, 400, `${method} ${path}: ${JSON.stringify(answer.body).slice(0, 200)}`);
      assert.equal(answer.body.error.code, 'invalid-input');
      assert.match(answer.body.error.message, /nests deeper than 64 levels/);
    }
    // A body within the limit still reaches its route (which judges its content).
    const shallow = await api.call('POST', '/commands', deep(10));
    assert.equal(shallow.status, 404, JSON.stringify(shallow.body));
    assert.doesNotMatch(shallow.body.error.message, /nests deeper/);
  });

  it('answer 400 invalid-input on the device API too', async () => {
    const url = new URL(`${api.server.deviceUrl}${DEVICE_API_PREFIX}/checkin`);
    const body = `{"results":${nested(10_000)}}`;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: 'POST',
          // The server's self-signed certificate; what is tested is its answer, not TLS.
          rejectUnauthorized: false,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    assert.equal(answer.status, 400, answer.body);
    const parsed = JSON.parse(answer.body);
    assert.equal(parsed.error.code, 'invalid-input');
    assert.match(parsed.error.message, /nests deeper than 64 levels/);
  });
});
