/**
 * Reads a server's GET /metrics (Prometheus text) with its metrics token and returns a lookup of
 * unlabelled samples by name, which throws naming a sample the answer does not hold.
 */
export async function serverMetrics(httpUrl: string, token: string): Promise<(name: string) => number> {
  const response = await fetch(`${httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  return (name) => {
    const match = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text);
    if (!match) throw new Error(`/metrics has no ${name}`);
    return Number(match[1]);
  };
}
