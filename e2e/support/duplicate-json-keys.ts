/**
 * The keys that appear more than once in one object of a JSON text. JSON.parse silently keeps
 * the last of duplicates, so a test that must see them reads the raw text: a string followed
 * by `:` is a key of the innermost open object.
 */
export function duplicateJsonKeys(text: string): string[] {
  JSON.parse(text); // only well-formed JSON is scanned
  const duplicates: string[] = [];
  const open: Array<Set<string> | null> = []; // null: an array
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (text[next] === ' ' || text[next] === '\n' || text[next] === '\t' || text[next] === '\r') next++;
      const keys = open.at(-1);
      if (text[next] === ':' && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) duplicates.push(key);
        keys.add(key);
      }
      i = end + 1;
      continue;
    }
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    i++;
  }
  return duplicates;
}
