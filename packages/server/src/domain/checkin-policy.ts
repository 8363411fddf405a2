import { invalidInput } from './errors';

/** A group's allowed check-in period range (the spec's System > Check-in Policy). */
export interface CheckinPolicy {
  minSeconds: number;
  maxSeconds: number;
}

/** The policy when a group and its ancestors set none. */
export const DEFAULT_CHECKIN_POLICY: CheckinPolicy = { minSeconds: 1, maxSeconds: 86400 };

/** Validates a policy: whole seconds, min <= max. */
export function validatePolicy(policy: CheckinPolicy): CheckinPolicy {
  if (policy.minSeconds > policy.maxSeconds) {
    throw invalidInput(`minSeconds (${policy.minSeconds}) is greater than maxSeconds (${policy.maxSeconds})`);
  }
  return policy;
}

/** The period an agent actually uses: the requested one brought inside the policy. */
export function clampPeriod(requested: number, policy: CheckinPolicy): number {
  return Math.min(policy.maxSeconds, Math.max(policy.minSeconds, requested));
}
