import { type FormEvent, useEffect, useId, useState } from 'react';
import { machineFilterProblem, useMachineFilter } from './machine-filter';
import './machine-lists.css';

/**
 * The Machine ID / Group ID filter box shared by the machine pages: typing does nothing until
 * Apply (or Enter), a filter the API would refuse is explained at once and not applied, and
 * Clear shows every machine in scope again. The applied filter is the one in force on every
 * page (see machine-filter.ts).
 */
export function MachineFilterBar() {
  const [filter, setFilter] = useMachineFilter();
  const [draft, setDraft] = useState(filter);
  const [problem, setProblem] = useState<string | null>(null);
  const helpId = useId();
  const problemId = useId();
  // The filter changed elsewhere (the other page, another tab): the box follows it.
  useEffect(() => setDraft(filter), [filter]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const found = machineFilterProblem(draft);
    setProblem(found);
    if (!found) setFilter(draft);
  };
  const clear = () => {
    setProblem(null);
    setDraft('');
    setFilter('');
  };

  return (
    <form className="toolbar machine-filter" onSubmit={apply} aria-label="Machine filter">
      <label>
        Machine ID / Group ID filter
        <input
          name="machine-filter"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="*.web.acme"
          spellCheck={false}
          autoCapitalize="off"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${problemId} ${helpId}` : helpId}
        />
      </label>
      <button type="submit">Apply filter</button>
      <button type="button" className="secondary" onClick={clear} disabled={filter === '' && draft === ''}>
        Clear filter
      </button>
      <p id={helpId} className="muted filter-help">
        {filter === '' ? 'No filter: every machine you may see. ' : `In force: “${filter}”. `}
        Use “*” as a wildcard (“*.web.acme”, “pc*.acme”); a name without “*” means that machine, or that group
        and its subgroups.
      </p>
      {problem ? (
        <p id={problemId} className="error" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
