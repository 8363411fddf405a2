import { Type } from '@sinclair/typebox';
import type { MachineRemovalService } from '../services/machine-removal.service';
import type { MachinesService } from '../services/machines.service';
import { scopeOf } from './route-permission';
import { FilterQuery, MachineIdParams, RemoteControlBody } from './schemas';
import type { TypedApp } from './typed-app';

/** GET /machines: the filter, and a page (keyset by id) when a limit is given. */
const MachineListQuery = Type.Object(
  {
    ...FilterQuery.properties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    after: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'the next of the page before' }),
    ),
  },
  { additionalProperties: false },
);

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
        summary: 'List machines with their check-in status, ordered by id',
        description:
          "With limit, one page: pass the answer's next as after for the following page (null after the last). Without limit, every machine in scope.",
        querystring: MachineListQuery,
      },
      config: { permission: 'machines.view' },
    },
    async (request) => {
      const { filter, limit, after } = request.query;
      return machines.list(filter, scopeOf(request), {
        ...(limit === undefined ? {} : { limit }),
        ...(after === undefined ? {} : { after: after.toLowerCase() }),
      });
    },
  );
  app.get(
    '/machines/:id',
    {
      schema: { tags: ['machines'], summary: 'Show one machine', params: MachineIdParams },
      config: { permission: 'machines.view' },
    },
    (request) => machines.show(request.params.id, scopeOf(request)),
  );
  app.post(
    '/machines/:id/suspend',
    {
      schema: {
        tags: ['machines'],
        summary: 'Suspend: the agent stays connected and gets no work',
        params: MachineIdParams,
      },
      config: { permission: 'machines.manage' },
    },
    (request) => machines.setSuspended(request.params.id, true, scopeOf(request)),
  );
  app.post(
    '/machines/:id/resume',
    {
      schema: { tags: ['machines'], summary: 'Resume a suspended machine', params: MachineIdParams },
      config: { permission: 'machines.manage' },
    },
    (request) => machines.setSuspended(request.params.id, false, scopeOf(request)),
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
      config: { permission: 'machines.manage' },
    },
    (request) => machines.setRemoteControlEnabled(request.params.id, request.body.enabled, scopeOf(request)),
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
      config: { permission: 'machines.manage' },
    },
    async (request) => {
      // Looked up in scope first: a machine out of scope is unknown, and is not removed.
      const machine = await machines.get(request.params.id, scopeOf(request));
      return removal.remove(machine.id);
    },
  );
}
