import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { agentUnit } from '@muster/protocol';
import { type AgentBuild, AgentBuilds } from './agent-builds';
import { installScript } from './install-script';

const BUILD: AgentBuild = {
  file: 'muster-agent-linux-x64',
  platform: 'linux-x64',
  version: '0.1.0',
  size: 5,
  sha256: 'a'.repeat(64),
};

describe('agent builds and install scripts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-agent-builds-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a build only while its manifest matches its file', () => {
    const builds = new AgentBuilds(dir);
    assert.equal(builds.current(), null, 'no manifest');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(BUILD));
    assert.equal(builds.current(), null, 'manifest without its file');
    writeFileSync(join(dir, BUILD.file), '1234');
    assert.equal(builds.current(), null, 'a file of another size (a copy in progress)');
    writeFileSync(join(dir, BUILD.file), '12345');
    assert.deepEqual(builds.current(), BUILD);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...BUILD, file: '../etc/passwd' }));
    assert.equal(builds.current(), null, 'a file name that leaves the folder');
    writeFileSync(join(dir, 'manifest.json'), '{not json');
    assert.equal(builds.current(), null, 'a damaged manifest');
  });

  it('writes a script the shell parses, with every value quoted', () => {
    const script = installScript({
      build: BUILD,
      downloadUrl: "http://muster.example.com:8080/downloads/muster-agent-linux-x64?x='; rm -rf /'",
      server: 'muster.example.com:5721',
      token: `mit_${'b'.repeat(43)}`,
      serverId: 'c'.repeat(64),
    });
    execFileSync('sh', ['-n'], { input: script });
    // A quote in a value stays inside its quotes: the line assigns, it runs nothing.
    assert.match(
      script,
      /^URL='http:\/\/muster\.example\.com:8080\/downloads\/muster-agent-linux-x64\?x='"'"'; rm -rf \/'"'"''$/m,
    );
    assert.match(script, /^SHA256='a{64}'$/m);
    assert.match(script, /^SIZE=5$/m);
    assert.ok(script.includes(agentUnit()), 'the unit is written verbatim');
  });
});
