import { type EventHub, eventInScope } from '../services/event-hub';
import { AUTH_ERRORS } from './error-schema';
import { StreamEventSchema } from './event-schemas';
import { scopeOf } from './route-permission';
import type { TypedApp } from './typed-app';

/**
 * GET /events: a server-sent-events stream of what changes in the caller's scope: command
 * statuses, machines (online, offline, suspended, deleted, their rows), replication progress
 * and check-ins. Each event is `event: <type>` and `data: <JSON>`; see StreamEvent.
 */
export function eventRoutes(app: TypedApp, hub: EventHub): void {
  app.get(
    '/events',
    {
      config: { permission: 'machines.view' },
      schema: {
        tags: ['events'],
        operationId: 'streamEvents',
        summary: 'Server-sent events: commands, machines, replication progress and check-ins in scope',
        description:
          'A text/event-stream that stays open: each event is an `event: <type>` line naming its type (command, machine, replication, checkin) and a `data:` line with the StreamEvent as JSON, then an empty line. Lines starting with ":" are comments (": connected" once the subscription is in place, a keepalive every 15 s). Only events of machines and devices in the caller\'s scope are sent; the scope is taken when the stream opens. A browser opens it with EventSource and the session cookie (a GET needs no CSRF header). Events missed while disconnected are not replayed: after reconnecting, reload what is shown.',
        response: {
          200: {
            description: 'The event stream (it does not end while the server runs)',
            content: { 'text/event-stream': { schema: StreamEventSchema } },
          },
          ...AUTH_ERRORS,
        },
      },
    },
    (request, reply) => {
      // The answer is written here, not serialized: the 200 schema above documents each event.
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
