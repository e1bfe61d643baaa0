/**
 * Structured JSON logs (pino), one line per decision, action and error. Credentials
 * never reach a line: the redaction list covers every field that could hold one.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'secret',
  'token',
  'password',
  'authorization',
  'bbbSecret',
  '*.secret',
  '*.bbbSecret',
  '*.token',
  '*.password',
  '*.authorization',
  'headers.authorization',
];

/** `destination` is a stream or a file descriptor (1 for serve; 2 when stdout carries a result). */
export function createLogger(destination: DestinationStream | 1 | 2 = 1, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'bbb-autoscaler' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination,
  );
}
