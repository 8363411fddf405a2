/** Cuts a string to at most `limit` UTF-8 bytes, marking the cut. */
export function capUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  return `${bytes
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}\n[output truncated at ${limit} bytes]`;
}
