import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';

/** Hearth's logger: pino, JSON lines, with bindings such as site, jobId, round and task. */
export type Logger = PinoLogger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Service or component name, bound as `svc`. */
  readonly name: string;
  /** Minimum level. @default process.env.HEARTH_LOG_LEVEL ?? 'info' */
  readonly level?: string;
  /** Where JSON lines go. @default standard error */
  readonly destination?: NodeJS.WritableStream;
}

/** Paths whose values never reach a log line. */
const REDACT_PATHS = ['*.privateKey', '*.private_key', '*.password', '*.token', 'token', 'req.headers.authorization'];

/** Creates a pino logger with Hearth's redaction rules and ISO timestamps. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      base: { svc: options.name },
      level: options.level ?? process.env['HEARTH_LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stderr,
  );
}

/** A logger that writes nothing; for tests and for library code run without a host. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
