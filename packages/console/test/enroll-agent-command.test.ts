import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  agentCommandLine,
  proposedServerAddress,
  serverAddressProblem,
  shellWord,
} from '../src/pages/enroll/agent-command';

describe('the agent command line of the Enroll page', () => {
  it('is the README command, with the secondary only when one is named', () => {
    const base = {
      server: ' muster.example.com:5721 ',
      token: 'mit_abc-DEF_1',
      stateDir: '/var/lib/muster-agent',
    };
    assert.equal(
      agentCommandLine({ ...base, secondary: '' }),
      'muster agent --server muster.example.com:5721 --token mit_abc-DEF_1 --state /var/lib/muster-agent',
    );
    assert.equal(
      agentCommandLine({ ...base, secondary: 'backup.example.com:5721' }),
      'muster agent --server muster.example.com:5721 --secondary backup.example.com:5721 --token mit_abc-DEF_1 --state /var/lib/muster-agent',
    );
  });

  it('quotes a word only when the shell would split or expand it', () => {
    assert.equal(shellWord('/var/lib/muster-agent'), '/var/lib/muster-agent');
    assert.equal(shellWord('/tmp/my dir'), "'/tmp/my dir'");
    assert.equal(shellWord("it's"), `'it'\\''s'`);
    assert.equal(shellWord('$(reboot)'), "'$(reboot)'");
    assert.equal(shellWord(''), "''");
  });

  it("refuses what the agent refuses, in the agent's terms", () => {
    assert.equal(serverAddressProblem('muster.example.com:5721'), null);
    assert.equal(serverAddressProblem('127.0.0.1:40000'), null);
    assert.equal(serverAddressProblem('localhost'), null, 'the port defaults to 5721');
    assert.equal(serverAddressProblem('[::1]:5721'), null);
    assert.match(serverAddressProblem('https://muster.example.com') ?? '', /without a scheme/);
    assert.match(serverAddressProblem('backupbox:5721') ?? '', /NETBIOS/);
    assert.match(serverAddressProblem('muster.example.com:99999') ?? '', /1 to 65535/);
    assert.match(serverAddressProblem('muster.example.com:http') ?? '', /1 to 65535/);
    assert.match(serverAddressProblem('::1:5721') ?? '', /in brackets/);
    assert.match(serverAddressProblem('bad_host!.example.com:1') ?? '', /not a valid host name/);
    assert.match(serverAddressProblem('  ') ?? '', /host:port/);
  });

  it("proposes the browser's host with the server's first agent port", () => {
    assert.equal(proposedServerAddress('muster.example.com', [5721, 5731]), 'muster.example.com:5721');
    assert.equal(proposedServerAddress('::1', [40000]), '[::1]:40000');
    assert.equal(proposedServerAddress('[::1]', []), '[::1]:5721');
  });
});
