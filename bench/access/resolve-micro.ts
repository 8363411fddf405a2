import { wireAccess } from '../../packages/server/src/access/access-module';
import { PrincipalResolver } from '../../packages/server/src/access/principal-resolver';
import { TokenService } from '../../packages/server/src/access/token.service';
import { openSqlStore } from '../../packages/server/src/store/sql/sql-store';
import type { BenchCallers } from './people';
import { type Timing, timing } from './stats';

/** The permission path of one caller, timed in-process. */
export interface ResolveTiming {
  /** Bearer token to Principal plus require('machines.view'), with the server's caches (500 ms). */
  cached: Timing;
  /** The same with empty caches: token, owner and (role, scope) pairs read from the store. */
  uncached: Timing;
  /** Principal.require('machines.view') alone, mean microseconds. */
  requireMicroseconds: number;
}

/** The micro-measurement for both callers. */
export interface ResolveMicroResult {
  iterations: number;
  uncachedIterations: number;
  master: ResolveTiming;
  scoped: ResolveTiming;
}

const ADDRESS = '127.0.0.1';

/**
 * Times what the permission check is made of, with the server's own classes on a second
 * connection to the same store: the authentication hook's bearer resolution
 * (PrincipalResolver.fromBearer: token hash, token and owner lookup, the user's (role, scope)
 * pairs, resolveGrants, a Principal) followed by the route hook's require(permission). The
 * cached loop runs for real time, so its samples include the cache expiring every 500 ms as
 * it does in the server; the uncached one builds a fresh resolver for every sample.
 */
export async function measureResolve(
  sqliteFile: string,
  callers: BenchCallers,
  iterations: number,
): Promise<ResolveMicroResult> {
  const store = await openSqlStore({ sqliteFile });
  const clock = () => Date.now();
  const access = wireAccess(store, clock, () => {});
  const uncachedIterations = Math.max(50, Math.floor(iterations / 50));
  try {
    const one = async (token: string): Promise<ResolveTiming> => {
      const cached: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const started = performance.now();
        const principal = await access.principals.fromBearer(token, ADDRESS);
        principal?.require('machines.view');
        cached.push(performance.now() - started);
        if (!principal) throw new Error('the benchmark token did not verify');
      }
      const uncached: number[] = [];
      for (let i = 0; i < uncachedIterations; i++) {
        const tokens = new TokenService(store.apiTokens, store.users, store.grants, clock);
        const resolver = new PrincipalResolver(tokens, access.sessions, store.grants, clock);
        const started = performance.now();
        const principal = await resolver.fromBearer(token, ADDRESS);
        principal?.require('machines.view');
        uncached.push(performance.now() - started);
        await tokens.stop();
      }
      const principal = await access.principals.fromBearer(token, ADDRESS);
      if (!principal) throw new Error('the benchmark token did not verify');
      const started = performance.now();
      for (let i = 0; i < iterations; i++) principal.require('machines.view');
      const requireMicroseconds = ((performance.now() - started) * 1000) / iterations;
      return { cached: timing(cached), uncached: timing(uncached), requireMicroseconds };
    };
    // Taking turns in halves, so a busy moment of the machine does not fall on one caller only.
    const master = await one(callers.master.token);
    const scoped = await one(callers.scoped.token);
    return { iterations, uncachedIterations, master, scoped };
  } finally {
    await access.stop();
    await store.close();
  }
}
