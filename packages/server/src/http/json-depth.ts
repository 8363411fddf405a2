import { invalidInput } from '../domain/errors';

/**
 * The deepest nesting of objects and arrays any request body may have. Real bodies nest a few
 * levels (command parameters perhaps a dozen); thousands of levels only serve to overflow the
 * stack of whatever walks the parsed value (schema validation, signing, serialization), which
 * answered HTTP 500.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Throws invalid-input when JSON text nests deeper than `maxDepth`, before anything parses or
 * walks it. One pass over the characters, without recursion or allocation, so the check costs
 * no more than reading the body; brackets inside strings do not count. Malformed JSON is left
 * for the parser to report.
 */
export function assertJsonDepth(text: string, maxDepth: number = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > maxDepth) {
        throw invalidInput(`the JSON body nests deeper than ${maxDepth} levels of objects and arrays`, {
          maxDepth,
        });
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
}
