import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../domain/errors';

/**
 * The Content-Security-Policy of every answer. The console is one same-origin script: no inline
 * script, no eval, nothing from other origins, and no page may frame it (clickjacking). QR codes
 * for TOTP enrollment are data: images. Styles are the console's own stylesheet plus inline
 * style, and only because of the remote terminal: xterm.js writes <style> elements whose rules
 * it computes (cell size, theme) and style attributes on cells of 24-bit colour; it has no nonce
 * option and a hash cannot match computed rules. Inline style cannot run code (script-src stays
 * 'self'), and everything machines and users send is rendered as text, never as markup.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The security headers of every answer. They are fixed strings, set in onSend so that even an
 * answer given before any route runs (a 401 of the authentication hook) carries them.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * The folder of the built console: `setting` when set ("off": none), else the `dist` folder of
 * the @muster/console workspace, which `npm install` builds. Null when there is none.
 */
export function consoleDirectory(setting: string): string | null {
  if (setting === 'off') return null;
  if (setting !== '') return setting;
  try {
    const manifest = createRequire(import.meta.url).resolve('@muster/console/package.json');
    return join(dirname(manifest), 'dist');
  } catch {
    return null;
  }
}

/**
 * Serves the web console at / on the API's own port, and the security headers on every answer
 * (API answers included: they cost nothing there and protect a JSON answer opened in a tab).
 * Files are public, since the sign-in page must load without a session; they hold no data.
 * Any other path outside /api answers the console's index.html, so an address inside the
 * console (/machines/pc1.acme) loads the console, which then shows that page. A missing build
 * answers 503 with the command that builds it.
 */
export async function serveConsole(app: FastifyInstance, directory: string | null): Promise<void> {
  // HSTS is left to whatever terminates TLS in front: over plain HTTP on a LAN it means nothing.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  const built = directory !== null && existsSync(join(directory, 'index.html'));
  await app.register(async (site) => {
    // Registered in this plugin only: the console's files are public (see above).
    site.addHook('onRoute', (route) => {
      route.config = { ...route.config, permission: 'public' };
    });
    if (built) {
      await site.register(fastifyStatic, {
        root: directory,
        wildcard: false,
        index: false,
        setHeaders(reply, path) {
          // Vite names assets by their content hash: they never change under one name.
          if (path.includes(`${join('/', 'assets', '/')}`))
            reply.header('cache-control', 'public, max-age=31536000, immutable');
        },
      });
    }
    site.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path === '/api' || path.startsWith('/api/'))
        return reply.status(404).send({
          error: { code: ErrorCode.notFound, message: `no route ${request.method} ${request.url}` },
        });
      if (!built)
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send(
            'The web console is not built: run `npm run build -w @muster/console` (npm install does it).\n',
          );
      // The page itself must be fetched again after an upgrade; its assets are cached for good.
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  });
}
