import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import { newId } from '../services/secrets';
import type { ScopeRecord } from '../store/access-record';
import type { GroupRegistry, MachineReader, ScopeStore } from '../store/interfaces';
import { normalizeName } from './access-names';
import type { ScopeEntry } from './scope';

/** A scope as asked for. */
export interface ScopeInput {
  name: string;
  entries: readonly ScopeEntry[];
}

const KINDS = new Set(['organization', 'group', 'machine']);
const MAX_ENTRIES = 1_000;

/**
 * Scopes: named sets of organizations, groups and machines, each included or excluded. Every
 * entry must name something that exists (looked up in the store); the built-in master scope
 * cannot be edited or deleted. Routes call it after requiring `users.manage`.
 */
export class ScopeService {
  constructor(
    private readonly scopes: ScopeStore,
    private readonly groups: GroupRegistry,
    private readonly machines: MachineReader,
    private readonly clock: () => number,
  ) {}

  /** Every scope, by name. */
  list(): Promise<ScopeRecord[]> {
    return this.scopes.listScopes();
  }

  /** A scope by id or name; not-found otherwise. */
  async get(idOrName: string): Promise<ScopeRecord> {
    const scope =
      (await this.scopes.findScope(idOrName)) ?? (await this.scopes.findScopeByName(idOrName.toLowerCase()));
    if (!scope) throw notFound(`no scope ${idOrName}`);
    return scope;
  }

  /** Creates a scope. invalid-input: bad name or an entry naming nothing; conflict: name taken. */
  async create(input: ScopeInput): Promise<ScopeRecord> {
    const name = normalizeName(input.name, 'scope');
    const entries = await this.checkEntries(input.entries);
    const id = newId();
    if (!(await this.scopes.createScope({ id, name, entries, createdAt: this.clock() }))) {
      throw new MusterError(ErrorCode.conflict, `a scope named ${name} exists already`);
    }
    return this.get(id);
  }

  /** Changes a scope: as create, plus not-found, and invalid-state for the master scope. */
  async update(id: string, patch: Partial<ScopeInput>): Promise<ScopeRecord> {
    const scope = await this.editable(id);
    const changes = {
      ...(patch.name !== undefined ? { name: normalizeName(patch.name, 'scope') } : {}),
      ...(patch.entries !== undefined ? { entries: await this.checkEntries(patch.entries) } : {}),
    };
    const result = await this.scopes.updateScope(scope.id, changes, this.clock());
    if (result === 'conflict')
      throw new MusterError(ErrorCode.conflict, `a scope named ${changes.name} exists already`);
    if (result === 'not-found') throw notFound(`no scope ${id}`);
    return this.get(scope.id);
  }

  /** Deletes a scope and the grants naming it. not-found, or invalid-state for the master scope. */
  async delete(id: string): Promise<void> {
    const scope = await this.editable(id);
    if (!(await this.scopes.deleteScope(scope.id))) throw notFound(`no scope ${id}`);
  }

  private async editable(id: string): Promise<ScopeRecord> {
    const scope = await this.get(id);
    if (scope.builtIn) {
      throw new MusterError(
        ErrorCode.invalidState,
        `the built-in scope ${scope.name} cannot be changed or deleted`,
      );
    }
    return scope;
  }

  /** The entries, checked one by one; invalid-input naming the first that is malformed or names nothing. */
  private async checkEntries(entries: readonly ScopeEntry[]): Promise<ScopeEntry[]> {
    if (entries.length > MAX_ENTRIES) throw invalidInput(`a scope has at most ${MAX_ENTRIES} entries`);
    const out: ScopeEntry[] = [];
    const seen = new Set<string>();
    for (const [index, e] of entries.entries()) {
      const where = { field: `entries[${index}]` };
      if (!KINDS.has(e.kind)) {
        throw invalidInput(`entry ${index}: kind is organization, group or machine (got "${e.kind}")`, where);
      }
      if (typeof e.include !== 'boolean')
        throw invalidInput(`entry ${index}: include is true or false`, where);
      const id = typeof e.id === 'string' ? e.id.trim().toLowerCase() : '';
      if (!(await this.exists(e.kind, id))) {
        throw invalidInput(`entry ${index}: there is no ${e.kind} "${e.id}"`, where);
      }
      const key = `${e.kind}:${id}`;
      if (seen.has(key)) throw invalidInput(`entry ${index}: ${e.kind} "${id}" is listed twice`, where);
      seen.add(key);
      out.push({ kind: e.kind, id, include: e.include });
    }
    return out;
  }

  private async exists(kind: ScopeEntry['kind'], id: string): Promise<boolean> {
    if (id === '') return false;
    if (kind === 'machine') return (await this.machines.findMachine(id)) !== null;
    // An organization is the top-level group: no dot in its id. A group entry may name it too.
    if (!id.includes('.')) return this.scopes.organizationExists(id);
    return kind === 'group' && this.groups.groupExists(id);
  }
}
