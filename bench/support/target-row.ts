/** One target of a benchmark and how the run did against it; a miss never fails the run. */
export interface TargetRow {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  note: string;
}
