import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, WEBHOOK_HEADERS } from './webhook-signature';

/** One request the test receiver got. */
export interface WebhookReceipt {
  deliveryId: string;
  event: string;
  timestamp: string;
  /** Whether the signature matched the receiver's secret. */
  verified: boolean;
  body: string;
  status: number;
}

/** A local webhook endpoint for tests, verifying signatures the way a real receiver should. */
export interface WebhookTestReceiver {
  url: string;
  receipts: WebhookReceipt[];
  /** The secret signatures are checked against; settable once the server has generated one. */
  secret: string;
  /**
   * Status to answer a verified request with, given how many requests came before it; a
   * request whose signature does not verify always gets 401.
   */
  respond: (index: number) => number;
  /** How long each answer is held back, to keep attempts overlapping. */
  delayMs: number;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 on a free port. */
export async function startWebhookTestReceiver(secret = ''): Promise<WebhookTestReceiver> {
  const receiver: WebhookTestReceiver = {
    url: '',
    receipts: [],
    secret,
    respond: () => 200,
    delayMs: 0,
    close: async () => {},
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const timestamp = header(WEBHOOK_HEADERS.timestamp) ?? '';
      const verified = verifyWebhook(receiver.secret, timestamp, body, header(WEBHOOK_HEADERS.signature));
      const status = verified ? receiver.respond(receiver.receipts.length) : 401;
      receiver.receipts.push({
        deliveryId: header(WEBHOOK_HEADERS.delivery) ?? '',
        event: header(WEBHOOK_HEADERS.event) ?? '',
        timestamp,
        verified,
        body,
        status,
      });
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(verified ? `answer ${status}` : 'bad signature');
      }, receiver.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
