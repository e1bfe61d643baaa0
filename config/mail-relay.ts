/**
 * The platform's one mail relay, `monitoring.smtp` with its defaults filled in.
 * Alertmanager sends alerts through it and Greenlight its sign-up and password-reset
 * mail; the password is the sensitive Terraform variable smtp_password in both.
 */
import type { EnvironmentConfig } from './schema';

/** IONOS mail's submission port; used when the environment names no relay. */
export const DEFAULT_SMARTHOST = 'smtp.ionos.de:587';

export interface MailRelay {
  /** `host:port`. */
  readonly smarthost: string;
  readonly host: string;
  readonly port: number;
  /** The sender address alerts use. */
  readonly from: string;
  /** The login at the relay. */
  readonly username: string;
  /** STARTTLS required (on port 465 the connection is TLS from the start instead). */
  readonly requireTls: boolean;
}

export function mailRelay(config: Pick<EnvironmentConfig, 'domain' | 'monitoring'>): MailRelay {
  const smtp = config.monitoring.smtp;
  const smarthost = smtp?.smarthost ?? DEFAULT_SMARTHOST;
  const separator = smarthost.lastIndexOf(':');
  const from = smtp?.from ?? `alertmanager@${config.domain}`;
  return {
    smarthost,
    host: smarthost.slice(0, separator),
    port: Number(smarthost.slice(separator + 1)),
    from,
    username: smtp?.username ?? from,
    requireTls: smtp?.requireTls ?? true,
  };
}

/** Greenlight's sender: `scalelite.greenlightMailFrom`, or the relay's own sender, which the relay surely accepts. */
export function greenlightMailFrom(config: Pick<EnvironmentConfig, 'domain' | 'monitoring' | 'scalelite'>): string {
  return config.scalelite.greenlightMailFrom ?? mailRelay(config).from;
}
