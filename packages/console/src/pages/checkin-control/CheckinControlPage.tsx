/** Placeholder until the page is built. */
export function CheckinControlPage(_props: { params: Record<string, string> }) {
  return <h1>CheckinControlPage</h1>;
}
