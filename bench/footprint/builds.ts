import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths';

/** The builds a run compares. */
export type BuildId = 'before' | 'after' | 'sea';

/** One way of running `muster`: the compiled build of this tree, or an older commit through tsx. */
export interface MusterBuild {
  id: BuildId;
  /** What the report calls it. */
  label: string;
  /** The program and first arguments of `muster` (`node <bin>`). */
  command: string[];
  /** The program and first arguments of `muster agent` (the single executable is the agent alone). */
  agentCommand: string[];
  /** Removes what was set up for it. */
  cleanup(): void;
}

/** Runs an npm script of the repository; a failure carries the script's output. */
function npmRun(script: string, args: string[] = []): void {
  try {
    execFileSync('npm', ['run', script, ...(args.length ? ['--', ...args] : [])], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run ${script} failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
}

/** How node runs a `muster` script, for the whole command and for its agent. */
function nodeRun(bin: string): Pick<MusterBuild, 'command' | 'agentCommand'> {
  return { command: [process.execPath, bin], agentCommand: [process.execPath, bin, 'agent'] };
}

/** This tree's compiled `muster` (bin/muster.mjs → packages/cli/dist/bundle), built now so it is current. */
export function compiledBuild(): MusterBuild {
  npmRun('build:packages');
  return {
    id: 'after',
    label: 'compiled (node, dist)',
    ...nodeRun(join(REPO_ROOT, 'packages/cli/bin/muster.mjs')),
    cleanup: () => {},
  };
}

/**
 * `muster` as it ran at an older commit: that commit's packages/ extracted to a temporary directory
 * (git archive, nothing in this checkout changes), its bin registering tsx and loading
 * src/main.ts. Its node_modules links to this checkout's dependencies, except that @muster/*
 * point at the extracted packages, so the old code runs against itself.
 */
export function tsxBuildAt(revision: string): MusterBuild {
  const root = mkdtempSync(join(tmpdir(), 'muster-footprint-before-'));
  const archive = execFileSync('git', ['archive', '--format=tar', revision, 'packages'], {
    cwd: REPO_ROOT,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@muster'), { recursive: true });
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (name === '@muster' || name === '.bin') continue;
    symlinkSync(join(REPO_ROOT, 'node_modules', name), join(modules, name));
  }
  for (const pkg of readdirSync(join(root, 'packages'))) {
    symlinkSync(join(root, 'packages', pkg), join(modules, '@muster', pkg));
    const own = join(REPO_ROOT, 'packages', pkg, 'node_modules');
    if (existsSync(own)) symlinkSync(own, join(root, 'packages', pkg, 'node_modules'));
  }
  // The old bin imports tsx/esm/api; tsx was a dependency of the cli then, hoisted to node_modules.
  return {
    id: 'before',
    label: `tsx (${revision}, before)`,
    ...nodeRun(join(root, 'packages/cli/bin/muster.mjs')),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The single-file agent of `npm run build:agent` (node's single executable application with the
 * agent command bundled in), built now into a temporary directory.
 */
export function singleExecutableAgentBuild(): MusterBuild {
  const root = mkdtempSync(join(tmpdir(), 'muster-footprint-sea-'));
  npmRun('build:agent', ['--out', root]);
  const executable = readdirSync(root).find(
    (name) => name.startsWith('muster-agent-') && !name.includes('.'),
  );
  if (!executable) throw new Error(`npm run build:agent wrote no muster-agent-<platform> to ${root}`);
  return {
    id: 'sea',
    label: 'single executable agent',
    command: [join(root, executable)],
    agentCommand: [join(root, executable)],
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
