/** Placeholder until the page is built. */
export function DevicesPage(_props: { params: Record<string, string> }) {
  return <h1>DevicesPage</h1>;
}
