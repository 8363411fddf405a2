/** Placeholder until the page is built. */
export function EnrollPage(_props: { params: Record<string, string> }) {
  return <h1>EnrollPage</h1>;
}
