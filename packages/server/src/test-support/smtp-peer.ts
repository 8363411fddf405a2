import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { selfSignedCertificate } from '../gateway/tls-credentials';

/** One mail the peer accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** The whole message as sent (headers and body). */
  raw: string;
  /** The user the session authenticated as. */
  user: string;
  /** Whether the session was encrypted (STARTTLS) when the mail was sent. */
  secure: boolean;
}

/** A real SMTP server for tests: STARTTLS with a self-signed certificate, AUTH required. */
export interface SmtpPeer {
  port: number;
  /** The certificate to trust (as smtpCaFile), PEM. */
  certPem: string;
  user: string;
  password: string;
  received: ReceivedMail[];
  /** Authentication attempts refused (wrong user or password). */
  refusedLogins: number;
  close(): Promise<void>;
}

/**
 * Starts an SMTP server on 127.0.0.1 (smtp-server, the server side of nodemailer's authors):
 * it offers STARTTLS, refuses AUTH before TLS and refuses any mail from an unauthenticated
 * session, so a mail that arrives proves the client upgraded and authenticated.
 */
export async function startSmtpPeer(user = 'alerts', password = 'smtp-test-password'): Promise<SmtpPeer> {
  const tls = await selfSignedCertificate('127.0.0.1', ['127.0.0.1', 'localhost']);
  const received: ReceivedMail[] = [];
  const peer = { refusedLogins: 0 };
  const server = new SMTPServer({
    secure: false,
    key: tls.key,
    cert: tls.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      peer.refusedLogins += 1;
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject,
          raw,
          user: String(session.user ?? ''),
          secure: session.secure,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    certPem: tls.cert,
    user,
    password,
    received,
    get refusedLogins() {
      return peer.refusedLogins;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
