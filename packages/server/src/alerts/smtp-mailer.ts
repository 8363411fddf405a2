import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';

/** How the server reaches its mail relay. */
export interface SmtpSettings {
  host: string;
  port: number;
  /**
   * `starttls`: plain connection upgraded with STARTTLS, refused if the server does not offer
   * it (port 587); `tls`: TLS from the first byte (port 465); `none`: no encryption (a relay on
   * the same host only).
   */
  security: 'starttls' | 'tls' | 'none';
  /** User for SMTP AUTH; empty: no authentication. */
  user: string;
  password: string;
  /** The From address. */
  from: string;
  /** PEM file of CAs to trust for the relay's certificate besides the system's; empty: the system's. */
  caFile: string;
  /** Deadline of the connection, greeting and each command. */
  timeoutMs: number;
}

/** One mail to send. */
export interface AlertMail {
  to: readonly string[];
  subject: string;
  text: string;
}

/** Sends alert mail. */
export interface AlertMailer {
  /** Sends one mail; rejects with the relay's reason when it is not accepted. */
  send(mail: AlertMail): Promise<void>;
  close(): void;
}

/** An SMTP mailer through nodemailer, with pooled connections (alerts come in bursts). */
export function smtpMailer(settings: SmtpSettings): AlertMailer {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.user ? { user: settings.user, pass: settings.password } : undefined,
    tls: {
      minVersion: 'TLSv1.2',
      ...(settings.caFile ? { ca: [readFileSync(settings.caFile, 'utf8')] } : {}),
    },
    pool: true,
    maxConnections: 2,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  return {
    async send(mail) {
      await transport.sendMail({
        from: settings.from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
      });
    },
    close() {
      transport.close();
    },
  };
}
