import { type EventHub, eventInScope } from '../services/event-hub';
import { scopeOf } from './route-permission';
import type { TypedApp } from './typed-app';

/** GET /events: a server-sent-events stream of command status changes and check-ins. */
export function eventRoutes(app: TypedApp, hub: EventHub): void {
  app.get(
    '/events',
    {
      config: { permission: 'machines.view' },
      schema: { tags: ['events'], summary: 'Server-sent events: command status changes and check-ins' },
    },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      // Taken once, when the stream opens: the caller sees the events of machines in scope.
      const scope = scopeOf(request);
      const unsubscribe = hub.subscribe((event) => {
        if (!eventInScope(event, scope)) return;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      // A comment every 15 s keeps proxies from closing an idle stream.
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), 15_000);
      // An open stream alone must not keep a stopping process alive.
      keepalive.unref();
      const end = () => {
        clearInterval(keepalive);
        unsubscribe();
      };
      request.raw.on('close', end);
      res.on('close', end);
    },
  );
}
