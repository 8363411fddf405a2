import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One agent executable as `npm run build:agent` describes it in its manifest.json. */
export interface AgentBuild {
  /** File name, also the last part of its download address. */
  file: string;
  /** Node's platform and architecture it runs on, e.g. linux-x64. */
  platform: string;
  version: string;
  size: number;
  sha256: string;
}

/**
 * The folder the server serves agent executables from: the configured one, or the repository's
 * dist/agent, where `npm run build:agent` writes (this file lives in packages/server/src or
 * packages/server/dist, three folders below the repository either way).
 */
export function agentBuildDirectory(setting: string): string {
  if (setting !== '') return resolve(setting);
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../dist/agent');
}

/**
 * The agent build being served. The manifest is read at each call, so a new build is served
 * without a restart; a manifest that does not match its file (a build in progress, a damaged
 * copy) counts as no build rather than handing out a file whose size is not the one promised.
 */
export class AgentBuilds {
  constructor(readonly directory: string) {}

  /** The build on disk, or null when there is none (or it is incomplete). */
  current(): AgentBuild | null {
    let manifest: AgentBuild;
    try {
      manifest = JSON.parse(readFileSync(join(this.directory, 'manifest.json'), 'utf8')) as AgentBuild;
    } catch {
      return null;
    }
    if (!/^[A-Za-z0-9._-]+$/.test(String(manifest.file)) || !/^[0-9a-f]{64}$/.test(String(manifest.sha256)))
      return null;
    try {
      if (statSync(this.path(manifest)).size !== manifest.size) return null;
    } catch {
      return null;
    }
    return manifest;
  }

  /** A piece of the current build if its SHA-256 is the one asked for; null otherwise. */
  async read(sha256: string, offset: number, length: number): Promise<Buffer | null> {
    const build = this.current();
    if (!build || build.sha256 !== sha256) return null;
    const file = await open(this.path(build), 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, build.size - offset)));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  /** Where the build's executable lies. */
  path(build: AgentBuild): string {
    return join(this.directory, build.file);
  }
}
