/**
 * A server that cannot start for a reason the administrator can fix (a port in use, a data
 * directory held by another server). The command line prints the message alone, without a
 * stack trace.
 */
export class ServerStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerStartError';
  }
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine',
};

/**
 * Runs one `listen` and turns the usual reasons it fails into a message that names the
 * listener, its address and the setting to change; other failures pass through unchanged.
 */
export async function listening<T>(what: string, setting: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    const reason = code ? LISTEN_REASONS[code] : undefined;
    if (!reason) throw error;
    const where =
      address === undefined ? '' : ` on ${address.includes(':') ? `[${address}]` : address}:${port}`;
    throw new ServerStartError(`the ${what} cannot listen${where}: ${reason} (see ${setting})`, {
      cause: error,
    });
  }
}
