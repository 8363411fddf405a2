import { writeFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import smpp from 'smpp';
import { selfSignedCertificate } from '../../packages/server/src/gateway/tls-credentials';

/** A request APNs received. */
export interface ApnsRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A local HTTP/2 TLS server that answers as APNs does: 200 with an apns-id, or the status and
 * {"reason"} body the test sets for a token.
 */
export class ApnsPeer {
  readonly requests: ApnsRequest[] = [];
  /** Token → [status, reason] answers (default 200). */
  readonly answers = new Map<string, [number, string]>();
  onPush: (token: string) => void = () => {};
  private server: Http2SecureServer | null = null;
  caFile = '';
  clientCertFile = '';
  clientKeyFile = '';

  async start(dir: string): Promise<string> {
    const serverTls = await selfSignedCertificate('localhost');
    const client = await selfSignedCertificate('muster-apns-provider');
    this.caFile = join(dir, 'apns-ca.pem');
    this.clientCertFile = join(dir, 'apns-provider.pem');
    this.clientKeyFile = join(dir, 'apns-provider.key');
    writeFileSync(this.caFile, serverTls.cert);
    writeFileSync(this.clientCertFile, client.cert);
    writeFileSync(this.clientKeyFile, client.key);
    this.server = createSecureServer({
      cert: serverTls.cert,
      key: serverTls.key,
      requestCert: true,
      rejectUnauthorized: false,
    });
    let n = 0;
    this.server.on('stream', (stream, headers) => {
      let body = '';
      stream.on('data', (c: Buffer) => {
        body += c.toString();
      });
      stream.on('end', () => {
        const path = String(headers[':path']);
        this.requests.push({ path, headers: { ...headers }, body });
        const token = path.split('/').pop() ?? '';
        const [status, reason] = this.answers.get(token) ?? [200, ''];
        n += 1;
        stream.respond({
          ':status': status,
          'apns-id': `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        });
        stream.end(status === 200 ? '' : JSON.stringify({ reason }));
        if (status === 200) this.onPush(token);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `https://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server?.close();
  }
}

/** A submit_sm the SMS centre received. */
export interface SmsSubmit {
  to: string;
  text: string;
}

/** A local SMS centre speaking SMPP (the server side of the smpp package). */
export class SmppPeer {
  readonly submits: SmsSubmit[] = [];
  onSubmit: (to: string) => void = () => {};
  private server: smpp.Server | null = null;

  async start(systemId: string, password: string): Promise<number> {
    this.server = smpp.createServer((session: smpp.Session) => {
      session.on('error', () => undefined);
      session.on('bind_transceiver', (pdu: smpp.PDU) => {
        if (pdu['system_id'] !== systemId || pdu['password'] !== password) {
          session.send(pdu.response({ command_status: smpp.errors['ESME_RINVPASWD'] }));
          session.close();
          return;
        }
        session.send(pdu.response({ system_id: 'test-smsc' }));
      });
      session.on('submit_sm', (pdu: smpp.PDU) => {
        const raw = pdu['message_payload'] ?? pdu['short_message'];
        const text =
          raw && typeof raw === 'object' && 'message' in raw
            ? String((raw as { message: unknown }).message)
            : String(raw);
        const to = String(pdu['destination_addr']);
        this.submits.push({ to, text });
        session.send(pdu.response({ message_id: `m${this.submits.length}` }));
        this.onSubmit(to);
      });
      session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: smpp.PDU) => {
        session.send(pdu.response());
        session.close();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    return (this.server.address() as AddressInfo).port;
  }

  close(): void {
    this.server?.close();
  }
}
