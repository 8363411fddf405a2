import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as pty from 'node-pty';
import {
  freePort,
  MUSTER_BIN,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

/** What one `muster terminal` run printed and how it ended. */
interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A process in a pseudo-terminal of its own: what it printed there, and its exit. */
class PtyRun {
  output = '';
  readonly exited: Promise<number>;

  constructor(readonly term: pty.IPty) {
    term.onData((data) => {
      this.output += data;
    });
    this.exited = new Promise((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Waits until the terminal printed something matching `pattern` (after `from`). */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    try {
      return await waitFor(
        `the terminal to show ${pattern}`,
        () => this.output.slice(from).match(pattern),
        timeoutMs,
        50,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; it shows ${JSON.stringify(this.output.slice(-600))}`);
    }
  }
}

// `muster terminal` as a person runs it: a real server and agent, the CLI in a real
// pseudo-terminal (raw mode, resize, the exit code, the terminal's mode afterwards), refusals
// before connecting, a piped run, and a session ended by an administrator.
describe('muster terminal', () => {
  const dir = tempDir('terminal-cli');
  let server: TestServer;
  let agent: Proc;
  let machine: string;
  const tokenFile = () => join(dir.path, 'server', 'admin-token');
  // The CLI finds no stored login here: the token file named below is what it uses.
  const cliEnv = () => ({ ...process.env, MUSTER_TOKEN: '', XDG_CONFIG_HOME: join(dir.path, 'config') });
  const cliArgs = (target: string) => [
    MUSTER_BIN,
    '--api',
    server.api.baseUrl,
    '--token-file',
    tokenFile(),
    'terminal',
    target,
  ];

  /** Runs `muster terminal` with piped stdio; `input` is written and stdin ended unless null. */
  const piped = (target: string, input: string | null) => {
    const child = spawn(process.execPath, cliArgs(target), { env: cliEnv(), stdio: 'pipe' });
    const run: CliRun = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => {
      run.stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      run.stderr += d.toString();
    });
    if (input !== null) child.stdin.end(input);
    const done = new Promise<CliRun>((resolve) =>
      child.once('close', (code) => {
        run.code = code;
        resolve(run);
      }),
    );
    return { child, run, done };
  };

  before(async () => {
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [await freePort()] });
    const token = await server.installToken({ group: 'cli.acme', maxUses: 1 });
    const state = join(dir.path, 'agent');
    // The remote shell starts in an empty home: this machine's own ~/.bashrc may take a minute.
    const home = join(dir.path, 'home');
    mkdirSync(home);
    agent = startAgent('t1', {
      stateDir: state,
      server: `127.0.0.1:${server.options.agentPorts[0]}`,
      token,
      env: { HOME: home },
    });
    machine = await waitEnrolled(agent, state);
    await server.waitForStatus(machine, 'online');
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    dir.cleanup();
  });

  it('runs a shell in raw mode from a terminal: output, Ctrl-C to the remote, resize, exit code, mode restored', async () => {
    // A shell in the outer pseudo-terminal notes the terminal's mode before and after the CLI.
    const script = 'stty -g; "$NODE" "$@"; echo "cli-exit=$?"; stty -g; stty size; echo outer-done';
    const run = new PtyRun(
      pty.spawn('/bin/sh', ['-c', script, 'sh', ...cliArgs(machine)], {
        cols: 80,
        rows: 24,
        cwd: dir.path,
        env: { ...cliEnv(), NODE: process.execPath, TERM: 'xterm' },
      }),
    );
    await run.waitFor(/session \S+ on \S+ is recorded/);
    run.term.write('echo hi-$((6*7))\r');
    await run.waitFor(/hi-42/);

    // In raw mode Ctrl-C is a byte for the remote shell: it stops the remote sleep, not the CLI.
    const beforeSleep = run.output.length;
    run.term.write('sleep 30; echo slept\r');
    await new Promise((r) => setTimeout(r, 500));
    run.term.write('\x03');
    run.term.write('echo after-$((2+3))\r');
    await run.waitFor(/after-5/, beforeSleep, 10_000);
    assert.doesNotMatch(run.output.slice(beforeSleep), /slept\r?\n/);

    run.term.write('stty size\r');
    await run.waitFor(/24 80/);
    // The outer terminal changes size: the CLI gets SIGWINCH and the remote terminal follows.
    run.term.resize(123, 41);
    await waitFor(
      'the remote terminal to be 41 rows by 123 columns',
      async () => {
        const from = run.output.length;
        run.term.write('stty size\r');
        await new Promise((r) => setTimeout(r, 400));
        return /41 123/.test(run.output.slice(from));
      },
      15_000,
      0,
    );

    run.term.write('exit 3\r');
    await run.waitFor(/outer-done/);
    assert.equal(await run.exited, 0);
    assert.match(run.output, /cli-exit=3/);
    const modes = run.output.match(/^[0-9a-f]+(?::[0-9a-f]+){10,}\s*$/gm);
    assert.equal(modes?.length, 2, `two stty -g lines in ${JSON.stringify(run.output)}`);
    assert.equal(modes[0]?.trim(), modes[1]?.trim(), 'the outer terminal mode is as it was before');
    assert.match(run.output, /41 123\s+outer-done/);
  });

  it('types piped input into the remote shell and ends with its exit code', async () => {
    // As `echo 'echo piped-$((1+1)); exit' | muster terminal M`.
    const ok = await piped(machine, 'echo piped-$((1+1)); exit\n').done;
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /piped-2/);
    assert.match(ok.stderr, /is recorded/);

    const five = await piped(machine, 'echo five; exit 5\n').done;
    assert.equal(five.code, 5, five.stderr);
    assert.match(five.stdout, /five/);
    // Without an exit the piped input's end (Ctrl-D) ends the shell.
    const eof = await piped(machine, 'echo no-exit-$((3+4))\n').done;
    assert.equal(eof.code, 0, eof.stderr);
    assert.match(eof.stdout, /no-exit-7/);
  });

  it("prints the server's refusal and exits 1: unknown machine (404), remote control disabled (409), no permission (403)", async () => {
    const unknown = await piped('nosuch.cli.acme', '').done;
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no machine "nosuch\.cli\.acme".*HTTP 404/);

    assert.equal(
      (await server.api.put(`/machines/${machine}/remote-control`, { enabled: false })).status,
      200,
    );
    try {
      const disabled = await piped(machine, '').done;
      assert.equal(disabled.code, 1);
      assert.match(disabled.stderr, /remote control is disabled for .*HTTP 409/);
    } finally {
      await server.api.put(`/machines/${machine}/remote-control`, { enabled: true });
    }

    await server.api.post('/roles', { name: 'looker', permissions: ['machines.view'] });
    const user = await server.api.post('/users', {
      name: 'looker',
      password: 'a long enough password 1',
      grants: [{ role: 'looker', scope: 'master' }],
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const token = (
      (await server.api.post('/tokens', { name: 'terminal', user: 'looker' })).body as { token: string }
    ).token;
    const child = spawn(process.execPath, [MUSTER_BIN, '--api', server.api.baseUrl, 'terminal', machine], {
      env: { ...cliEnv(), MUSTER_TOKEN: token },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /remote\.terminal.*HTTP 403/);
  });

  it('exits 1 saying the session was ended by an administrator', async () => {
    const session = piped(machine, null);
    await waitFor('the session to start', () => /is recorded/.test(session.run.stderr));
    const live = (await server.api.get(`/terminal-sessions?live=true&machineId=${machine}`)).body as {
      items: Array<{ id: string }>;
    };
    assert.equal(live.items.length, 1);
    assert.equal((await server.api.request('DELETE', `/terminal-sessions/${live.items[0]?.id}`)).status, 204);
    const ended = await session.done;
    assert.equal(ended.code, 1);
    assert.match(ended.stderr, /ended by an administrator/);
  });
});
