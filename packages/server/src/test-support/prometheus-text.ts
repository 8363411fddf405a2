import assert from 'node:assert/strict';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/** The metric families of a /metrics answer, by name, as a Prometheus text-format parser reads them. */
export type MetricFamilies = Map<string, PrometheusFamily>;

/** Parses an exposition; a family named twice fails the test (Prometheus refuses such a scrape). */
export function parseMetrics(text: string): MetricFamilies {
  const families: MetricFamilies = new Map();
  for (const family of parsePrometheusTextFormat(text)) {
    assert.ok(!families.has(family.name), `${family.name} appears twice`);
    families.set(family.name, family);
  }
  return families;
}

/**
 * The value of a counter's or gauge's sample with exactly these labels; undefined when the
 * family or the sample is missing.
 */
export function sampleValue(
  families: MetricFamilies,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = families.get(name);
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const sample = family?.metrics.find(
    (m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === wanted,
  );
  return sample?.value === undefined ? undefined : Number(sample.value);
}

/**
 * The observation count of a histogram without labels. (The parser keeps `_count` only for
 * histograms without labels; labelled ones are read from the text with histogramCount.)
 */
export function histogramCount(families: MetricFamilies, name: string): number | undefined {
  const count = families.get(name)?.metrics[0]?.count;
  return count === undefined ? undefined : Number(count);
}

/** The `_count` sample of a labelled histogram, read from the exposition's text. */
export function labelledHistogramCount(text: string, name: string, label: string, value: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{${label}="${value}"}`));
  assert.ok(line, `no ${name}_count{${label}="${value}"} in the exposition`);
  return Number(line.split(' ').at(-1));
}
