import type { MachineRemovalService } from '../services/machine-removal.service';
import type { MachinesService } from '../services/machines.service';
import { FilterQuery, MachineIdParams, RemoteControlBody } from './schemas';
import type { TypedApp } from './typed-app';

/** Machines: list (with a Machine.Group ID filter), show, suspend/resume, remote control, delete. */
export function machinesRoutes(
  app: TypedApp,
  machines: MachinesService,
  removal: MachineRemovalService,
): void {
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
  app.delete(
    '/machines/:id',
    {
      schema: {
        tags: ['machines'],
        summary: 'Delete a machine account; a connected agent is closed (4016, machine removed)',
        description:
          'Commands of the machine never delivered are canceled; delivered ones without a result end unknown (they may have run). Its replication roles go with it. ' +
          'A machine that is the offsite server of local servers on other machines answers 409 until those are deleted.',
        params: MachineIdParams,
      },
    },
    (request) => removal.remove(request.params.id),
  );
}
