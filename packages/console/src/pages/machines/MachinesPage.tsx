/** Placeholder until the page is built. */
export function MachinesPage(_props: { params: Record<string, string> }) {
  return <h1>MachinesPage</h1>;
}
