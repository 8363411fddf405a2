import { filterContains, type ScopeFilter } from '../access/scope';
import {
  type CheckinPolicy,
  clampPeriod,
  DEFAULT_CHECKIN_POLICY,
  validatePolicy,
} from '../domain/checkin-policy';
import { notFound } from '../domain/errors';
import { groupAncestry, parseGroupId } from '../domain/machine-names';
import type { GroupRegistry, PolicyStore } from '../store/interfaces';

/** A machine whose period was brought inside its policy. */
export interface ClampedPeriod {
  machineId: string;
  requested: number;
  applied: number;
}

/** Resolves and sets per-group check-in policies; a subgroup inherits its nearest ancestor's. */
export class CheckinPolicyService {
  constructor(
    private readonly groups: GroupRegistry,
    private readonly policies: PolicyStore,
  ) {}

  /** The policy in force for a group: its own, else the nearest ancestor's, else the default. */
  async policyFor(groupId: string): Promise<CheckinPolicy> {
    const chain = groupAncestry(groupId);
    const found = await this.policies.policiesOf(chain);
    for (const g of chain) {
      const p = found.get(g);
      if (p) return p;
    }
    return DEFAULT_CHECKIN_POLICY;
  }

  /** Clamps a requested period for a group's machine; reports the clamp when it happened. */
  async clampFor(
    machineId: string,
    groupId: string,
    requested: number,
  ): Promise<{ applied: number; clamped: ClampedPeriod | null }> {
    const applied = clampPeriod(requested, await this.policyFor(groupId));
    return { applied, clamped: applied === requested ? null : { machineId, requested, applied } };
  }

  /** Sets a group's policy; the group must exist. */
  async setPolicy(groupText: string, policy: CheckinPolicy, scope: ScopeFilter): Promise<string> {
    const group = parseGroupId(groupText);
    validatePolicy(policy);
    await this.mustExist(group, scope);
    await this.policies.putPolicy(group, policy);
    return group;
  }

  /**
   * The policy in force for a group named in a request. The name is checked, and the group
   * must exist, exactly as when setting it, so reading and writing a name agree on what is a
   * group.
   */
  async showPolicy(groupText: string, scope: ScopeFilter): Promise<{ group: string } & CheckinPolicy> {
    const group = parseGroupId(groupText);
    await this.mustExist(group, scope);
    return { group, ...(await this.policyFor(group)) };
  }

  /** The group exists and is in scope (a group out of scope is unknown, like a missing one). */
  private async mustExist(group: string, scope: ScopeFilter): Promise<void> {
    if (!filterContains(scope, group, null) || !(await this.groups.groupExists(group))) {
      throw notFound(
        `no machine group "${group}"; a group exists once an install token has been made for it`,
      );
    }
  }
}
