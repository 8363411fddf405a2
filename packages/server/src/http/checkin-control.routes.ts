import { type CheckinControlService, parseSelection } from '../services/checkin-control.service';
import type { CheckinPolicyService } from '../services/checkin-policy.service';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { scopeOf } from './route-permission';
import {
  CheckinControlUpdateBody,
  CheckinControlUpdateResultSchema,
  CheckinPolicyBody,
  CheckinPolicyChangeSchema,
  CheckinPolicySchema,
  GroupParams,
} from './schemas';
import type { TypedApp } from './typed-app';

/** Check-in control bulk updates and per-group check-in policies. */
export function checkinControlRoutes(
  app: TypedApp,
  control: CheckinControlService,
  policies: CheckinPolicyService,
): void {
  app.put(
    '/checkin-control',
    {
      config: { permission: 'checkin-control.edit' },
      schema: {
        tags: ['check-in control'],
        summary: 'Update check-in control settings of many machines at once',
        description:
          'Give "machines" (ids) or "filter" (Machine.Group ID filter; a group name without "*" means that group and its subgroups) and at least one setting. Unknown ids, or a filter that matches no machine, change nothing and answer an error. Periods outside the group policy are clamped and listed in "clamped".',
        operationId: 'updateCheckinControl',
        body: CheckinControlUpdateBody,
        response: {
          200: CheckinControlUpdateResultSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request) => {
      const { settings, ...selection } = request.body;
      return control.update(parseSelection(selection), settings, scopeOf(request));
    },
  );
  app.put(
    '/checkin-policy/:group',
    {
      config: { permission: 'checkin-policy.edit' },
      schema: {
        tags: ['check-in control'],
        summary: "Set a machine group's allowed check-in period range",
        operationId: 'setCheckinPolicy',
        params: GroupParams,
        body: CheckinPolicyBody,
        response: {
          200: CheckinPolicyChangeSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request) => {
      const group = await policies.setPolicy(request.params.group, request.body, scopeOf(request));
      const clamped = await control.reclampGroup(group);
      return { group, ...request.body, clamped };
    },
  );
  app.get(
    '/checkin-policy/:group',
    {
      config: { permission: 'machines.view' },
      schema: {
        tags: ['check-in control'],
        summary: 'The policy in force for a group (its own or inherited)',
        description: 'An invalid group name answers 400 and an unknown group 404, as for PUT.',
        operationId: 'getCheckinPolicy',
        params: GroupParams,
        response: { 200: CheckinPolicySchema, 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS },
      },
    },
    (request) => policies.showPolicy(request.params.group, scopeOf(request)),
  );
}
