/**
 * A backup or restore that cannot go ahead for a reason the administrator can act on (a server
 * running on the data directory, a damaged backup, a directory that is not empty). The message
 * says what and how; the command line prints it alone, without a stack trace.
 */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
  }
}
