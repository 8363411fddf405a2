/** Placeholder until the page is built. */
export function ReplicationPage(_props: { params: Record<string, string> }) {
  return <h1>ReplicationPage</h1>;
}
