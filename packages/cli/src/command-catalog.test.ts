import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_CATALOG, commandsFor, requestedCommand } from './command-catalog';
import { apiGlobals } from './commands/api-command';

describe('command catalog: subcommands loaded only when run', () => {
  it('names and describes each subcommand exactly as the subcommand does itself', async () => {
    for (const entry of COMMAND_CATALOG) {
      const command = await entry.load(apiGlobals());
      assert.equal(command.name(), entry.name, `catalog entry ${entry.name} builds ${command.name()}`);
      assert.equal(
        command.description(),
        entry.description,
        `the description of ${entry.name} changed: copy it into command-catalog.ts`,
      );
    }
  });

  it('finds the subcommand after global options and their values, and after help', () => {
    assert.equal(requestedCommand(['agent', '--state', 'x']), 'agent');
    assert.equal(
      requestedCommand(['--api', 'http://h:1', '--api-token', 't', 'machines', 'list']),
      'machines',
    );
    assert.equal(requestedCommand(['--token-file', 'agent', 'server']), 'server');
    assert.equal(requestedCommand(['--api=http://h:1', 'audit']), 'audit');
    assert.equal(requestedCommand(['help', 'user']), 'user');
    assert.equal(requestedCommand(['--help']), undefined);
    assert.equal(requestedCommand([]), undefined);
  });

  it('builds the requested subcommand with its options and leaves the others as name and description', async () => {
    const commands = await commandsFor(['agent', '--state', 'x'], apiGlobals());
    assert.deepEqual(
      commands.map((c) => c.name()),
      COMMAND_CATALOG.map((e) => e.name),
    );
    const agent = commands.find((c) => c.name() === 'agent');
    assert.ok(agent?.options.some((o) => o.long === '--state'));
    const server = commands.find((c) => c.name() === 'server');
    assert.equal(server?.options.length, 0);
    assert.equal(server?.description(), 'Run the Muster server (HTTP API and agent gateway)');
  });
});
