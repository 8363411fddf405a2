import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { installCommandLine, installScriptUrl, singleQuoted } from './install-command';

/** What a real POSIX shell makes of one quoted word. */
function shellReads(quoted: string): string {
  return execFileSync('/bin/sh', ['-c', `printf '%s' ${quoted}`], { encoding: 'utf8' });
}

describe('install command', () => {
  it('is the CLI one-liner for the script address of the server the browser reached', () => {
    const url = installScriptUrl('https://muster.example.com:8443/', 'mit_abc-DEF_123');
    assert.equal(url, 'https://muster.example.com:8443/install/mit_abc-DEF_123');
    assert.equal(
      installCommandLine(url),
      "curl -fsSL -o muster-install.sh 'https://muster.example.com:8443/install/mit_abc-DEF_123' && sudo sh muster-install.sh",
    );
  });

  it('keeps anything in the address one word: the shell reads back exactly the address', () => {
    for (const word of [
      "http://it's.example.com/install/x",
      'http://h/install/a b&&rm -rf /',
      'http://h/$(id)`id`;"x"\\n',
      "''",
      '',
    ]) {
      assert.equal(shellReads(singleQuoted(word)), word, word);
    }
    const line = installCommandLine("http://it's/install/t");
    assert.equal(
      line,
      "curl -fsSL -o muster-install.sh 'http://it'\\''s/install/t' && sudo sh muster-install.sh",
    );
  });

  it('puts a token with characters outside base64url into the path encoded, never as shell words', () => {
    assert.equal(installScriptUrl('http://h', "a'b /c"), "http://h/install/a'b%20%2Fc");
  });
});
