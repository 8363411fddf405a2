import type { FastifyInstance } from 'fastify';
import { assertJsonDepth } from './json-depth';

/**
 * Registers the API's one `application/json` body parser. It keeps Fastify's own parser (with
 * its prototype-poisoning protection) for every body that has content, and accepts an empty
 * body as "no body": clients such as curl `-H 'content-type: application/json'` or generated
 * API clients send that header on body-less operations (`POST /commands/{id}/cancel`), and
 * Fastify's default answers them 400. An operation that needs a body still gets a 400 from its
 * schema, which says what is missing. A body nested deeper than MAX_JSON_DEPTH is refused
 * (400) before it is parsed, for every route at once.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      assertJsonDepth(text);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
