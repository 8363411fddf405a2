import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { DEFAULT_GET_FILE_MAX_BYTES } from '@muster/protocol';
import { ErrorCode, MusterError } from '../domain/errors';
import { newId } from '../services/secrets';
import type { CommandRecord } from '../store/command-record';
import type { CommandQueueStore } from '../store/interfaces';
import { checkFileName } from './file.service';
import type { FileRecord, FileStore } from './file-record';

/** Hash checks read the stored upload this much at a time. */
const HASH_PIECE_BYTES = 1024 * 1024;

/**
 * A refused transfer request. `reset` says the server dropped what it held, so the agent's
 * next attempt starts from the beginning.
 */
export class TransferRefused extends MusterError {
  constructor(
    message: string,
    readonly reset = false,
  ) {
    super(ErrorCode.invalidState, message);
  }
}

/**
 * The server's half of put-file and get-file on the agent connection. Every request names its
 * command, which must be this agent's, of the right type and processing; each piece extends the
 * command's lease so a long transfer is not taken for a stuck one. Uploads resume from what the
 * store holds, so a broken connection (or another server node) continues where it stopped.
 */
export class FileTransferService {
  constructor(
    private readonly files: FileStore,
    private readonly commands: Pick<CommandQueueStore, 'getCommand' | 'extendLease'>,
    private readonly leaseMs: number,
    private readonly maxBytes: number,
    private readonly clock: () => number,
    /**
     * update-agent: a piece of the agent build the command names by its SHA-256, read from this
     * node's build folder (the same file /downloads serves); null when the build is gone.
     */
    private readonly agentBuild: (
      sha256: string,
      offset: number,
      length: number,
    ) => Promise<Buffer | null> = async () => null,
  ) {}

  /** put-file: a piece of the file the command names; update-agent: a piece of the agent build. */
  async read(
    machineId: string,
    commandId: string,
    offset: number,
    length: number,
  ): Promise<{ data: Buffer; eof: boolean }> {
    const command = await this.command(machineId, commandId, ['put-file', 'update-agent']);
    if (command.type === 'update-agent') {
      const size = Number(command.params.size);
      if (offset > size) throw new TransferRefused(`offset ${offset} is past the end (${size} bytes)`);
      const data = await this.agentBuild(
        String(command.params.sha256),
        offset,
        Math.min(length, size - offset),
      );
      if (!data) throw new TransferRefused('that agent build is no longer on this server');
      return { data, eof: offset + data.length >= size };
    }
    const fileId = String(command.params.fileId);
    const file = await this.files.getFile(fileId);
    if (file?.status !== 'complete' || file.size === null)
      throw new TransferRefused(`file ${fileId} is no longer on the server`);
    if (offset > file.size)
      throw new TransferRefused(`offset ${offset} is past the end (${file.size} bytes)`);
    const data = await this.files.readRange(fileId, offset, length);
    return { data, eof: offset + data.length >= file.size };
  }

  /** get-file: how much of this command's upload the server holds (creating it if new). */
  async status(machineId: string, commandId: string): Promise<number> {
    return (await this.upload(machineId, commandId)).received;
  }

  /** get-file: appends a piece at `offset`; returns what the server holds afterwards. */
  async write(machineId: string, commandId: string, offset: number, data: Buffer): Promise<number> {
    const command = await this.command(machineId, commandId, 'get-file');
    const file = await this.upload(machineId, commandId, command);
    if (offset + data.length > this.limitOf(command))
      throw new TransferRefused(`the file is larger than the limit of ${this.limitOf(command)} bytes`);
    return (await this.files.appendChunk(file.id, offset, data)).received;
  }

  /** get-file: the agent says it sent everything; size and hash are checked before the file is kept. */
  async done(machineId: string, commandId: string, size: number, sha256: string): Promise<FileRecord> {
    const file = await this.upload(machineId, commandId);
    if (file.status === 'complete') {
      if (file.sha256 === sha256 && file.size === size) return file;
      throw new TransferRefused('this command already stored a different file');
    }
    if (file.received !== size)
      throw new TransferRefused(`the server holds ${file.received} bytes, not ${size}`);
    const hash = createHash('sha256');
    for (let offset = 0; offset < size; offset += HASH_PIECE_BYTES)
      hash.update(await this.files.readRange(file.id, offset, HASH_PIECE_BYTES));
    if (hash.digest('hex') !== sha256) {
      // The file changed between attempts (or a piece was damaged): start over.
      await this.files.resetFile(file.id);
      throw new TransferRefused(
        'the SHA-256 of what the server received does not match; starting over',
        true,
      );
    }
    await this.files.completeFile(file.id, size, sha256, this.clock());
    return (await this.files.getFile(file.id)) ?? file;
  }

  private async upload(machineId: string, commandId: string, known?: CommandRecord): Promise<FileRecord> {
    const command = known ?? (await this.command(machineId, commandId, 'get-file'));
    return this.files.createFile({
      id: newId(),
      name: safeName(String(command.params.path)),
      machineId,
      commandId,
      // A machine id is `name.group`: the file belongs to the machine's group.
      groupId: machineId.slice(machineId.indexOf('.') + 1),
      createdAt: this.clock(),
    });
  }

  private limitOf(command: CommandRecord): number {
    const asked = Number(command.params.maxBytes ?? DEFAULT_GET_FILE_MAX_BYTES);
    return Math.min(asked, this.maxBytes);
  }

  private async command(
    machineId: string,
    commandId: string,
    type: string | readonly string[],
  ): Promise<CommandRecord> {
    const command = await this.commands.getCommand(commandId);
    if (command?.targetKind !== 'machine' || command.targetId !== machineId)
      throw new TransferRefused(`command ${commandId} is not this agent's`);
    const types = typeof type === 'string' ? [type] : type;
    if (!types.includes(command.type))
      throw new TransferRefused(`command ${commandId} is not a ${types.join(' or ')}`);
    if (command.status !== 'processing')
      throw new TransferRefused(`command ${commandId} is ${command.status}`);
    const now = this.clock();
    // Progress keeps the lease alive; refreshed once half of it has passed, not on every piece.
    if ((command.leaseExpiresAt ?? 0) - now < this.leaseMs / 2)
      await this.commands.extendLease(command.id, now + this.leaseMs);
    return command;
  }
}

/** The name a fetched file is stored under: the last part of its path on the agent. */
function safeName(path: string): string {
  try {
    return checkFileName(basename(path.replaceAll('\\', '/')));
  } catch {
    return 'file';
  }
}
