import type { FrameChannel } from './frame-channel';
import { type Frame, FrameType } from './frame-codec';
import { ReplicationError } from './replication-error';
import { parseError, parseResult, type ResultHeader } from './wire-messages';

/** A file whose file-end was sent and whose result has not come back yet. */
export interface OutstandingFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  attempts: number;
}

/**
 * The sender's side of the frame stream during a pass. Results of files already ended and of
 * deletions are pipelined (the sender does not wait for each one); this reader hands them to
 * their handlers as they come and returns everything else to whoever asked for the next frame.
 */
export class PassLink {
  readonly outstandingFiles: OutstandingFile[] = [];
  readonly outstandingDeletes: string[] = [];

  constructor(
    readonly channel: FrameChannel,
    private readonly onFileResult: (file: OutstandingFile, result: ResultHeader) => void,
    private readonly onDeleteResult: (path: string, result: ResultHeader) => void,
  ) {}

  /** The next frame that is not a pipelined result. Error frames from the offsite throw. */
  async next(): Promise<Frame> {
    for (;;) {
      const frame = await this.readOne();
      if (frame) return frame;
    }
  }

  /** Waits for one pipelined result (there must be one outstanding). */
  async pump(): Promise<void> {
    const frame = await this.readOne();
    if (frame)
      throw new ReplicationError(
        'protocol-violation',
        `unexpected frame ${frame.type} while waiting for results`,
      );
  }

  /**
   * Hands the results that have already arrived to their handlers, without waiting for more.
   * Inline files go out without a read of the connection in between: without this, their
   * results would wait in the channel's queue until the last file was sent, a decoded frame and
   * its header per file (4-5 MiB of the sender's heap at 10,000 small files, and more per file).
   */
  async takeArrived(): Promise<void> {
    while (this.channel.queuedFrames > 0) await this.pump();
  }

  /** Reads until every pipelined result has arrived. */
  async drain(): Promise<void> {
    while (this.outstandingFiles.length > 0 || this.outstandingDeletes.length > 0) await this.pump();
  }

  /** Reads one frame: results go to their handlers (undefined is returned), anything else back to the caller. */
  private async readOne(): Promise<Frame | undefined> {
    const frame = await this.channel.receive();
    if (!frame) throw new ReplicationError('connection-lost', 'the offsite closed the connection');
    if (frame.type === FrameType.error) {
      const error = parseError(frame.header);
      throw new ReplicationError(error.code, `offsite: ${error.message}`);
    }
    if (frame.type === FrameType.fileResult) {
      const result = parseResult(frame.header);
      const head = this.outstandingFiles[0];
      if (head && head.path === result.path) {
        this.outstandingFiles.shift();
        this.onFileResult(head, result);
        return undefined;
      }
    }
    if (frame.type === FrameType.deleteResult) {
      const result = parseResult(frame.header);
      const head = this.outstandingDeletes.shift();
      if (head !== result.path)
        throw new ReplicationError('protocol-violation', 'delete result out of order');
      this.onDeleteResult(head, result);
      return undefined;
    }
    return frame;
  }
}
