import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MAX_IDLE_SECONDS, parseWhoOutput, userSessionProbe } from './user-session-probe';
import { parseUtmp, readUtmpSession, UTMP_RECORD_BYTES } from './utmp-sessions';

const USER_PROCESS = 7;
const LOGIN_PROCESS = 6;
const DEAD_PROCESS = 8;

/** One record of glibc's Linux `struct utmp`, as login(1) or sshd write it. */
function record(type: number, user: string, line: string, pid: number): Buffer {
  const bytes = Buffer.alloc(UTMP_RECORD_BYTES);
  bytes.writeInt16LE(type, 0);
  bytes.writeInt32LE(pid, 4);
  bytes.write(line, 8, 32, 'utf8');
  bytes.write(line.slice(-4), 40, 4, 'utf8');
  bytes.write(user, 44, 32, 'utf8');
  bytes.write('10.0.0.2', 76, 256, 'utf8');
  bytes.writeInt32LE(Math.floor(Date.now() / 1000), 340);
  return bytes;
}

/** A pid that no process has: one of a child that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

const dir = mkdtempSync(join(tmpdir(), 'muster-utmp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a utmp file of these records; returns its path. */
function utmpFile(name: string, ...records: Buffer[]): string {
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(records));
  return file;
}

/** A terminal device under `dir/dev`, last read from `idleSeconds` before `now`. */
function terminal(line: string, idleSeconds: number, now: number): void {
  const device = join(dir, 'dev', line);
  rmSync(device, { force: true });
  execFileSync('mkdir', ['-p', join(device, '..')]);
  writeFileSync(device, '');
  const atime = (now - idleSeconds * 1000) / 1000;
  utimesSync(device, atime, atime);
}

describe('parseUtmp', () => {
  test('keeps the USER_PROCESS records with a user, in file order, with their line and pid', () => {
    const bytes = Buffer.concat([
      record(LOGIN_PROCESS, 'LOGIN', 'tty1', 100),
      record(USER_PROCESS, 'alice', 'pts/0', 200),
      record(DEAD_PROCESS, 'bob', 'pts/1', 300),
      record(USER_PROCESS, '', 'pts/2', 400),
      record(USER_PROCESS, 'a-user-name-of-32-characters-xyz', 'tty7', 500),
    ]);
    assert.deepEqual(parseUtmp(bytes), [
      { user: 'alice', line: 'pts/0', pid: 200 },
      { user: 'a-user-name-of-32-characters-xyz', line: 'tty7', pid: 500 },
    ]);
  });

  test('an empty file has nobody; bytes that are not whole records are not this layout', () => {
    assert.deepEqual(parseUtmp(Buffer.alloc(0)), []);
    assert.equal(parseUtmp(Buffer.alloc(UTMP_RECORD_BYTES + 1)), null);
    assert.equal(parseUtmp(Buffer.alloc(292)), null, 'a 292-byte BSD-style record');
  });
});

describe('readUtmpSession', () => {
  const now = Date.now();

  test('the least idle live user wins, idle measured from the terminal device', async () => {
    terminal('pts/0', 3600, now);
    terminal('pts/1', 125, now);
    terminal('pts/2', 5, now);
    const file = utmpFile(
      'three',
      record(USER_PROCESS, 'alice', 'pts/0', process.pid),
      record(USER_PROCESS, 'bob', 'pts/1', process.pid),
      // Less idle still, but its login process is gone: a record a crash left behind.
      record(USER_PROCESS, 'carol', 'pts/2', deadPid()),
    );
    assert.deepEqual(await readUtmpSession(file, join(dir, 'dev'), now), {
      loggedOnUser: 'bob',
      userIdleSeconds: 125,
    });
  });

  test('a terminal without a device (an X display) counts as active; the first of equals is kept', async () => {
    const file = utmpFile(
      'display',
      record(USER_PROCESS, 'dave', ':0', process.pid),
      record(USER_PROCESS, 'erin', ':1', process.pid),
    );
    assert.deepEqual(await readUtmpSession(file, join(dir, 'dev'), now), {
      loggedOnUser: 'dave',
      userIdleSeconds: 0,
    });
  });

  test('no file or no live user means nobody; another layout means "ask who"', async () => {
    assert.equal(await readUtmpSession(join(dir, 'missing'), join(dir, 'dev'), now), null);
    assert.equal(await readUtmpSession(utmpFile('empty'), join(dir, 'dev'), now), null);
    const deadOnly = utmpFile('dead', record(USER_PROCESS, 'frank', 'pts/0', deadPid()));
    assert.equal(await readUtmpSession(deadOnly, join(dir, 'dev'), now), null);
    const odd = join(dir, 'odd');
    writeFileSync(odd, Buffer.alloc(100));
    assert.equal(await readUtmpSession(odd, join(dir, 'dev'), now), undefined);
  });

  test('reads the same user and idle time as `who -u` from the same file', async () => {
    // GNU who takes the file as its argument and stats /dev/<line> for the idle time, so the
    // terminal is one that exists here: /dev/null.
    const file = utmpFile(
      'for-who',
      record(USER_PROCESS, 'grace', 'null', process.pid),
      record(USER_PROCESS, 'heidi', 'null', deadPid()),
    );
    const who = parseWhoOutput(execFileSync('who', ['-u', file], { encoding: 'utf8' }));
    const ours = await readUtmpSession(file);
    assert.equal(who.loggedOnUser, 'grace');
    assert.equal(ours?.loggedOnUser, who.loggedOnUser);
    // who prints idle time in minutes ("." under one), and "old" (read as a day) past a day:
    // /dev/null's access time is as old as the machine's last boot, or its last day-old read.
    assert.ok(ours !== null && ours !== undefined);
    const same =
      who.userIdleSeconds >= 86400
        ? ours.userIdleSeconds >= 86400 - 60
        : Math.abs(ours.userIdleSeconds - who.userIdleSeconds) < 60;
    assert.ok(same, `ours ${ours.userIdleSeconds} s, who ${who.userIdleSeconds} s`);
  });
});

describe('userSessionProbe default on Linux', () => {
  test('reads the utmp file it is given, without starting `who`', async () => {
    terminal('pts/5', 300, Date.now());
    const file = utmpFile('probe', record(USER_PROCESS, 'ivan', 'pts/5', process.pid));
    const result = await userSessionProbe(undefined, { file, devDir: join(dir, 'dev') })();
    assert.equal(result.loggedOnUser, 'ivan');
    assert.ok(Math.abs(result.userIdleSeconds - 300) <= 1, `${result.userIdleSeconds} s`);
  });

  test('a file in another layout falls back to `who -u` (here: nobody logged on)', async () => {
    const odd = join(dir, 'odd-probe');
    writeFileSync(odd, Buffer.alloc(100));
    const viaWho = parseWhoOutput(execFileSync('who', ['-u'], { encoding: 'utf8' }));
    assert.deepEqual(await userSessionProbe(undefined, { file: odd, devDir: join(dir, 'dev') })(), viaWho);
  });

  test('an idle time beyond what a check-in may carry is capped', async () => {
    const device = join(dir, 'dev', 'ancient');
    writeFileSync(device, '');
    utimesSync(device, 0, 0);
    const file = utmpFile('ancient', record(USER_PROCESS, 'judy', 'ancient', process.pid));
    const raw = await readUtmpSession(file, join(dir, 'dev'));
    assert.ok(raw && raw.userIdleSeconds > 10 * 365 * 86400, 'the raw idle time is over ten years');
    const probed = await userSessionProbe(undefined, { file, devDir: join(dir, 'dev') })();
    assert.deepEqual(probed, { loggedOnUser: 'judy', userIdleSeconds: MAX_IDLE_SECONDS });
  });
});
