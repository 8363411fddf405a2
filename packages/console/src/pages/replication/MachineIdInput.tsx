import { useEffect, useId, useState } from 'react';
import { useSession } from '../../app/session';
import { suggestMachines } from './replication-api';

/**
 * The manual's "Select Machine ID": a text field that suggests the machines of the user's
 * scopes whose id starts with what is typed (a list of 100,000 could not be a drop-down).
 */
export function MachineIdInput({
  label,
  value,
  onChange,
  disabled = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  const listId = useId();
  const seesMachines = useSession().can('machines.view');
  const [suggestions, setSuggestions] = useState<string[]>([]);
  useEffect(() => {
    if (!seesMachines || disabled) return;
    let current = true;
    // Waits for a pause in the typing, so each key does not cost a request.
    const timer = window.setTimeout(() => {
      suggestMachines(value).then(
        (ids) => {
          if (current) setSuggestions(ids);
        },
        () => {
          // Suggestions are a help: without them the field still takes a typed id.
          if (current) setSuggestions([]);
        },
      );
    }, 200);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [value, seesMachines, disabled]);
  return (
    <label>
      {label}
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        list={listId}
        required
        maxLength={300}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        disabled={disabled}
      />
      <datalist id={listId}>
        {suggestions.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
    </label>
  );
}
