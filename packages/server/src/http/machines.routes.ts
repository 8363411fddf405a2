import type { MachineRemovalService } from '../services/machine-removal.service';
import type { MachinesService } from '../services/machines.service';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { explainQueryErrors } from './list-query';
import { MachineListQuery, MachinePageSchema, MachineSchema, RemovedMachineSchema } from './machine-schemas';
import { scopeOf } from './route-permission';
import { MachineIdParams, RemoteControlBody } from './schemas';
import type { TypedApp } from './typed-app';

const LIST_PARAMETERS = Object.keys(MachineListQuery.properties);

/** Errors of a route that looks a machine up by its id. */
const LOOKUP_ERRORS = { 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS } as const;

/** Machines: list (filtered, searched, sorted, paged), show, suspend/resume, remote control, delete. */
export function machinesRoutes(
  app: TypedApp,
  machines: MachinesService,
  removal: MachineRemovalService,
): void {
  app.get(
    '/machines',
    {
      schema: {
        operationId: 'listMachines',
        tags: ['machines'],
        summary:
          'List machines with their check-in status: filtered, searched, sorted and paged on the server',
        description:
          "With limit, one page: pass the answer's next as after for the following page (null after the last). Without limit, every machine that matches. " +
          'total counts every machine that matches (scope, filter, search, status), for "1-50 of 100,000". ' +
          'sort is id (default), group, status (check-in status in the order of the status enum), lastCheckin, loggedOnUser, agentVersion or os; machines without a value come first in ascending order; ties are ordered by id. ' +
          'search finds text in the machine id or the logged-on user, case-insensitively.',
        querystring: MachineListQuery,
        response: { 200: MachinePageSchema, 400: ErrorResponse, ...AUTH_ERRORS },
      },
      schemaErrorFormatter: (errors, dataVar) => explainQueryErrors(errors, dataVar, LIST_PARAMETERS),
      config: { permission: 'machines.view' },
    },
    (request) => machines.list(request.query, scopeOf(request)),
  );
  app.get(
    '/machines/:id',
    {
      schema: {
        operationId: 'getMachine',
        tags: ['machines'],
        summary: 'Show one machine',
        params: MachineIdParams,
        response: { 200: MachineSchema, ...LOOKUP_ERRORS },
      },
      config: { permission: 'machines.view' },
    },
    (request) => machines.show(request.params.id, scopeOf(request)),
  );
  app.post(
    '/machines/:id/suspend',
    {
      schema: {
        operationId: 'suspendMachine',
        tags: ['machines'],
        summary: 'Suspend: the agent stays connected and gets no work',
        params: MachineIdParams,
        response: { 200: MachineSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
      },
      config: { permission: 'machines.manage' },
    },
    (request) => machines.setSuspended(request.params.id, true, scopeOf(request)),
  );
  app.post(
    '/machines/:id/resume',
    {
      schema: {
        operationId: 'resumeMachine',
        tags: ['machines'],
        summary: 'Resume a suspended machine',
        params: MachineIdParams,
        response: { 200: MachineSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
      },
      config: { permission: 'machines.manage' },
    },
    (request) => machines.setSuspended(request.params.id, false, scopeOf(request)),
  );
  app.put(
    '/machines/:id/remote-control',
    {
      schema: {
        operationId: 'setMachineRemoteControl',
        tags: ['machines'],
        summary: 'Enable or disable remote control',
        params: MachineIdParams,
        body: RemoteControlBody,
        response: { 200: MachineSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
      },
      config: { permission: 'machines.manage' },
    },
    (request) => machines.setRemoteControlEnabled(request.params.id, request.body.enabled, scopeOf(request)),
  );
  app.delete(
    '/machines/:id',
    {
      schema: {
        operationId: 'deleteMachine',
        tags: ['machines'],
        summary: 'Delete a machine account; a connected agent is closed (4016, machine removed)',
        description:
          'Commands of the machine never delivered are canceled; delivered ones without a result end unknown (they may have run). Its replication roles go with it. ' +
          'A machine that is the offsite server of local servers on other machines answers 409 until those are deleted.',
        params: MachineIdParams,
        response: { 200: RemovedMachineSchema, ...LOOKUP_ERRORS, 409: ErrorResponse, ...WRITE_ERRORS },
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
