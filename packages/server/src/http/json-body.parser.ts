import type { FastifyInstance } from 'fastify';

/**
 * Registers the API's one `application/json` body parser. It keeps Fastify's own parser (with
 * its prototype-poisoning protection) for every body that has content, and accepts an empty
 * body as "no body": clients such as curl `-H 'content-type: application/json'` or generated
 * API clients send that header on body-less operations (`POST /commands/{id}/cancel`), and
 * Fastify's default answers them 400. An operation that needs a body still gets a 400 from its
 * schema, which says what is missing.
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
    parseJson(request, text, done);
  });
}
