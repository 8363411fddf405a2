import type { AgentMessage, FileReply } from '@muster/protocol';

/** The connection a transfer was running on closed; the transfer resumes on the next one. */
export class ConnectionLost extends Error {
  constructor() {
    super('the connection to the server closed during the transfer');
    this.name = 'ConnectionLost';
  }
}

/** A file request the agent sends. */
export type FileRequest =
  | AgentMessage['file-read']
  | AgentMessage['file-status']
  | AgentMessage['file-write']
  | AgentMessage['file-done'];

/** What the channel needs of a connection. */
export interface FileRequestSender {
  send(message: FileRequest): boolean;
}

/**
 * File requests and their replies on one connection. The server answers the requests of a
 * command one by one, in the order sent, so each reply goes to the oldest waiting request of
 * its command: a transfer may keep several requests in flight without numbering them.
 */
export class FileChannel {
  private readonly waiting = new Map<
    string,
    Array<{ resolve(r: FileReply): void; reject(e: Error): void }>
  >();
  private lost = false;

  constructor(private readonly connection: FileRequestSender) {}

  /** Sends a request; resolves with its reply, rejects with ConnectionLost if the connection goes. */
  request(message: FileRequest): Promise<FileReply> {
    if (this.lost) return Promise.reject(new ConnectionLost());
    return new Promise<FileReply>((resolve, reject) => {
      const queue = this.waiting.get(message.commandId) ?? [];
      queue.push({ resolve, reject });
      this.waiting.set(message.commandId, queue);
      if (!this.connection.send(message)) this.closed();
    });
  }

  /** A reply arrived. A reply nobody waits for (a command given up on) is dropped. */
  deliver(reply: FileReply): void {
    const queue = this.waiting.get(reply.commandId);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(reply.commandId);
    next?.resolve(reply);
  }

  /** The connection closed: every waiting request fails with ConnectionLost. */
  closed(): void {
    this.lost = true;
    const queues = [...this.waiting.values()];
    this.waiting.clear();
    for (const queue of queues) for (const w of queue) w.reject(new ConnectionLost());
  }
}
