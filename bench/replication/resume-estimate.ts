import type { PassResult, WorkloadResult } from './results';

function dataBytes(pass: PassResult | undefined): number | undefined {
  return pass?.muster?.summary.literalBytes ?? pass?.rsync?.literalBytes;
}

/**
 * Fills in W6's and W6b's `crossedBytes` and `resentBytes` once the run is over. What a killed sender
 * got across is known only in wire bytes (framing, TLS or ssh records, rsync's file list); each
 * tool's W7 upload is its fixed cost per pass, and its W2 pass (all new data) gives its file
 * bytes per wire byte, so: crossed = (cut - W7 upload) x W2 ratio.
 */
export function finalizeResume(workloads: readonly WorkloadResult[]): void {
  const byId = (id: string) => workloads.find((w) => w.id === id);
  const w2 = byId('W2');
  const w7 = byId('W7');
  const details = [byId('W6'), byId('W6b')].flatMap((w) => Object.entries(w?.resume ?? {}));
  for (const [tool, detail] of details) {
    const p2 = w2?.passes[tool as keyof typeof w2.passes];
    const p7 = w7?.passes[tool as keyof typeof w7.passes];
    const data2 = dataBytes(p2);
    if (!p2 || !p7 || data2 === undefined) continue;
    const ratio = data2 / (p2.wire.clientToServer - p7.wire.clientToServer);
    const crossed = Math.min(
      detail.fileBytes,
      Math.max(0, (detail.cutAtBytes - p7.wire.clientToServer) * ratio),
    );
    detail.crossedBytes = Math.round(crossed);
    detail.resentBytes = Math.round(detail.secondAttemptDataBytes - (detail.fileBytes - crossed));
  }
}
