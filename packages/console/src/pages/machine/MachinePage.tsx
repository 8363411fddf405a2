/** Placeholder until the page is built. */
export function MachinePage(_props: { params: Record<string, string> }) {
  return <h1>MachinePage</h1>;
}
