import type { MachinesService } from '../services/machines.service';
import { FilterQuery, MachineIdParams, RemoteControlBody } from './schemas';
import type { TypedApp } from './typed-app';

/** Machines: list (with a Machine.Group ID filter), show, suspend/resume, remote control. */
export function machinesRoutes(app: TypedApp, machines: MachinesService): void {
  app.get(
    '/machines',
    {
      schema: {
        tags: ['machines'],
        summary: 'List machines with their check-in status',
        querystring: FilterQuery,
      },
    },
    async (request) => ({ items: await machines.list(request.query.filter) }),
  );
  app.get(
    '/machines/:id',
    { schema: { tags: ['machines'], summary: 'Show one machine', params: MachineIdParams } },
    (request) => machines.show(request.params.id),
  );
  app.post(
    '/machines/:id/suspend',
    {
      schema: {
        tags: ['machines'],
        summary: 'Suspend: the agent stays connected and gets no work',
        params: MachineIdParams,
      },
    },
    (request) => machines.setSuspended(request.params.id, true),
  );
  app.post(
    '/machines/:id/resume',
    { schema: { tags: ['machines'], summary: 'Resume a suspended machine', params: MachineIdParams } },
    (request) => machines.setSuspended(request.params.id, false),
  );
  app.put(
    '/machines/:id/remote-control',
    {
      schema: {
        tags: ['machines'],
        summary: 'Enable or disable remote control',
        params: MachineIdParams,
        body: RemoteControlBody,
      },
    },
    (request) => machines.setRemoteControlEnabled(request.params.id, request.body.enabled),
  );
}
