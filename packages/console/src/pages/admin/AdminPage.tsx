/** Placeholder until the page is built. */
export function AdminPage(_props: { params: Record<string, string> }) {
  return <h1>AdminPage</h1>;
}
