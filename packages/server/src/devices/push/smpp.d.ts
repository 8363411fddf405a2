/**
 * Minimal types for the `smpp` package (0.5.x ships none): only what the SMPP wake provider and
 * its test use. The package is CommonJS and adds most exports in loops, which Node's ESM named
 * export detection cannot see, so it is typed as `export =` and imported as a default import.
 * PDU parameters keep the SMPP specification's names (system_id, destination_addr, …).
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { ConnectionOptions, TlsOptions } from 'node:tls';

  namespace smpp {
    /** A decoded or to-be-sent PDU; parameters are plain properties named as in the SMPP spec. */
    interface PDU {
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [parameter: string]: unknown;
      isResponse(): boolean;
      /** The matching *_resp (or generic_nack) for a request PDU. */
      response(options?: Record<string, unknown>): PDU;
    }

    /** Called with the response PDU of a request. */
    type ResponseCallback = (pdu: PDU) => void;

    /**
     * One SMPP connection, client or server side. Emits 'connect', 'secureConnect', 'close',
     * 'error', 'pdu' and one event per received command name ('submit_sm', 'enquire_link', …).
     */
    interface Session extends EventEmitter {
      readonly socket: Socket;
      /** False when the socket is no longer writable; the PDU was then not sent. */
      send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      submit_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      unbind(options?: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    }

    /** Options of `connect`: a net or tls connection plus the library's own keys. */
    interface ConnectOptions extends ConnectionOptions {
      host?: string;
      port?: number;
      /** Connect with tls.connect, passing these same options (ca, servername, cert, key, …). */
      tls?: boolean;
      /** Send enquire_link every this many ms while connected. */
      auto_enquire_link_period?: number;
    }

    /** An SMPP server: a net.Server (or tls.Server when key and cert are given) emitting 'session'. */
    interface Server extends NetServer {
      sessions: Session[];
    }

    /** One short_message text encoding. */
    interface Encoding {
      encode(text: string): Buffer;
    }

    /** Opens a client session; the listener runs on 'connect' (or 'secureConnect' with tls). */
    function connect(options: ConnectOptions, listener?: () => void): Session;

    /** Creates a server; with key and cert in the options it speaks TLS. */
    function createServer(options: TlsOptions, listener?: (session: Session) => void): Server;
    function createServer(listener?: (session: Session) => void): Server;

    /** The encodings the library applies to string messages; detect names the narrowest that fits. */
    const encodings: {
      detect(text: string): string | false;
      ASCII: Encoding;
      LATIN1: Encoding;
      UCS2: Encoding;
    };

    /** SMPP command_status values by name (ESME_ROK, ESME_RTHROTTLED, …). */
    const errors: Record<string, number>;
  }

  export = smpp;
}
