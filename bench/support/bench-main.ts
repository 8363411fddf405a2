/**
 * The shared entry of every benchmark: parse the arguments (usage on error, exit 2; `help`
 * prints it), run under a watchdog of the run's own `maxMinutes`, and exit 0 or 1. Children
 * are killed by each benchmark's exit hooks.
 */
export async function benchMain<O extends { maxMinutes: number }>(
  name: string,
  usage: string,
  parse: () => O | 'help',
  run: (options: O) => Promise<void>,
): Promise<never> {
  let options: O | 'help';
  try {
    options = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(usage);
    process.exit(0);
  }
  const maxMinutes = options.maxMinutes;
  setTimeout(() => {
    console.error(`${name}: aborted after ${maxMinutes} minutes`);
    process.exit(1);
  }, maxMinutes * 60_000).unref();
  try {
    await run(options);
    process.exit(0);
  } catch (error) {
    console.error(`${name} failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  }
}
