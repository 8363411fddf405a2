/** Placeholder until the page is built. */
export function AccountPage(_props: { params: Record<string, string> }) {
  return <h1>AccountPage</h1>;
}
