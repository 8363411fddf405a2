import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import { integerOption } from './cli-options';

/** A stored file as the API shows it. */
interface FileJson {
  id: string;
  name: string;
  status: string;
  size: number | null;
  received: number;
  sha256: string | null;
  machineId: string | null;
  commandId: string | null;
  createdAt: string;
  completedAt: string | null;
}

/** `muster files`: the server's file store (uploads for put-file, files fetched by get-file). */
export function filesCommand(globals: ApiGlobals): Command {
  const command = new Command('files').description(
    'Files on the server: uploads for put-file, files from get-file',
  );
  command
    .command('upload <path>')
    .description('Upload a file for put-file; prints its id (give it as params.fileId)')
    .option('--name <name>', 'name to store it under (default: the file name)')
    .option(
      '--group <group>',
      'the organization or group it belongs to (needed when your scope holds several; who may read it follows from it)',
    )
    .option('--json', 'print JSON')
    .action(async function (
      this: Command,
      path: string,
      opts: { name?: string; group?: string; json?: boolean },
    ) {
      let isFile: boolean;
      try {
        isFile = statSync(path).isFile();
      } catch (error) {
        throw new Error(`cannot read ${path}: ${(error as Error).message}`);
      }
      if (!isFile) throw new Error(`${path} is not a regular file`);
      const name = opts.name ?? basename(path);
      const group = opts.group === undefined ? '' : `&group=${encodeURIComponent(opts.group)}`;
      const response = await globals
        .client(this)
        .raw('POST', `/files?name=${encodeURIComponent(name)}${group}`, {
          data: createReadStream(path),
          contentType: 'application/octet-stream',
        });
      const file = (await response.json()) as FileJson;
      if (opts.json) return console.log(JSON.stringify(file, null, 2));
      console.log(`${file.id}  ${file.name}  ${file.size} bytes  sha256 ${file.sha256}`);
    });
  command
    .command('list')
    .description('List stored files, newest first')
    .option('--limit <n>', 'how many (default 100)', integerOption('--limit', 1, 1000))
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { limit?: number; json?: boolean }) {
      const query = opts.limit === undefined ? '' : `?limit=${opts.limit}`;
      const result = await globals.client(this).request<{ items: FileJson[] }>('GET', `/files${query}`);
      printRows(
        result.items.map((f) => ({
          ...f,
          size: f.size ?? `${f.received} so far`,
          machine: f.machineId ?? '',
        })),
        ['id', 'name', 'status', 'size', 'machine', 'createdAt'],
        opts.json === true,
        result,
      );
    });
  command
    .command('download <id>')
    .description('Download a complete file, checked against its SHA-256')
    .option('-o, --output <path>', 'where to write it (default: its stored name in this directory)')
    .option('--force', 'replace an existing file')
    .action(async function (this: Command, id: string, opts: { output?: string; force?: boolean }) {
      const client = globals.client(this);
      const info = await client.request<FileJson>('GET', `/files/${encodeURIComponent(id)}`);
      const output = opts.output ?? safeLocalName(info.name);
      if (existsSync(output) && !opts.force) throw new Error(`${output} exists; add --force to replace it`);
      const response = await client.raw('GET', `/files/${encodeURIComponent(id)}/content`);
      const expected = response.headers.get('x-content-sha256') || info.sha256;
      if (!response.body) throw new Error(`the server sent no content for file ${id}`);
      // Written beside the target and renamed only once the hash matches: no half file at the name.
      const partial = join(dirname(output), `.${basename(output)}.muster-partial`);
      const hash = createHash('sha256');
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          counter,
          createWriteStream(partial, { mode: 0o600 }),
        );
        const actual = hash.digest('hex');
        if (expected && actual !== expected)
          throw new Error(
            `download of ${id} does not match its SHA-256 (got ${actual}, expected ${expected})`,
          );
        renameSync(partial, output);
      } finally {
        rmSync(partial, { force: true });
      }
      console.log(`${output}  ${bytes} bytes  sha256 ${expected ?? '(not known)'}`);
    });
  command
    .command('delete <id>')
    .description('Delete a stored file')
    .action(async function (this: Command, id: string) {
      await globals.client(this).raw('DELETE', `/files/${encodeURIComponent(id)}`);
      console.log(`${id}: deleted`);
    });
  return command;
}

/** A stored name made safe to write in the current directory (it came from whoever uploaded it). */
function safeLocalName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'));
  if (base === '' || base === '.' || base === '..')
    throw new Error(`file name "${name}" cannot be used as a local name; give --output`);
  return base;
}
