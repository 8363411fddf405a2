// A process for the kill -9 tests: run as `node --import tsx resume-child.fixture.ts <role>`
// with its settings as JSON in MUSTER_CHILD. "offsite" serves and prints its port (and, given
// killAt, kills itself at that step of a clone-and-patch); "replicate" runs one throttled pass.
// Either is killed with SIGKILL mid-file by the test.
import { startOffsiteServer } from './offsite-server';
import { setPatchStepHook } from './patch-steps';
import { replicate } from './replicate';

const role = process.argv[2];
const config = JSON.parse(process.env['MUSTER_CHILD'] ?? '{}') as {
  root: string;
  identity: { key: string; cert: string };
  allow: { guid: string; keyFingerprint: string }[];
  localDir: string;
  stateDir: string;
  guid: string;
  port: number;
  keyFingerprint: string;
  bytesPerSecond: number;
  /** "step" or "step:n": the offsite kills itself (SIGKILL) at the n-th (default first) such step. */
  killAt?: string;
};

if (role === 'offsite') {
  if (config.killAt) {
    const [step, nth] = config.killAt.split(':');
    let seen = 0;
    setPatchStepHook((at) => {
      if (at === step && ++seen >= Number(nth ?? 1)) {
        process.stdout.write(`killed at ${at}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    });
  }
  const server = await startOffsiteServer({
    root: config.root,
    port: 0,
    host: '127.0.0.1',
    identity: config.identity,
    allow: config.allow,
  });
  process.stdout.write(`port ${server.port}\n`);
} else if (role === 'replicate') {
  await replicate({
    localDir: config.localDir,
    localServerGuid: config.guid,
    stateDir: config.stateDir,
    offsite: { host: '127.0.0.1', port: config.port, keyFingerprint: config.keyFingerprint },
    identity: config.identity,
    deleteDelaySeconds: 0,
    throttle: {
      take: (bytes) => new Promise((resolve) => setTimeout(resolve, (bytes / config.bytesPerSecond) * 1000)),
    },
  });
  process.stdout.write('done\n');
}
