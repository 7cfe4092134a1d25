/**
 * The service's logger, on pino: one JSON line per event on stderr (pino's fields: `level` 20 debug,
 * 30 info, 40 warn, 50 error; `time` in epoch ms; `pid`, `hostname`, `msg`, then the event's fields).
 * On a terminal, lines are pretty-printed through pino-pretty when it is installed (a dev
 * dependency), as a synchronous stream in this thread: no worker thread, so it works the same on
 * Deno and never holds the process open at exit.
 *
 * Callers log ids and codes, never bodies or headers; `redact` censors the fields that would carry a
 * secret all the same, as a second line of defence. An error goes in the field `err`.
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** a logger whose every line also carries `bindings` */
  child(bindings: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

/** Field names whose value is a secret: censored at the top of a line, one object down, and in `headers`. */
const SECRET_FIELDS = [
  'password',
  'oldPassword',
  'newPassword',
  'token',
  'authorization',
  'cookie',
  'ADMIN_TOKEN',
  'TOKEN_SECRET',
];
const REDACTED = SECRET_FIELDS.flatMap((name) => [name, `*.${name}`, `*.headers.${name}`]);

/**
 * An error as its type, message and stack only. pino's own serializer copies every property, and
 * ioredis's errors carry the failed command's arguments (a password hash, a token's proof).
 */
const errorOnly = (error: unknown) =>
  error instanceof Error ? { type: error.name, message: error.message, stack: error.stack } : error;

/** pino-pretty's stream factory when stderr is a terminal and the package is installed. */
const pretty = process.stderr.isTTY
  ? await import('pino-pretty').then(
      (module) => module.default,
      () => undefined,
    )
  : undefined;

function stderr(): pino.DestinationStream {
  if (pretty) return pretty({ destination: 2, sync: true });
  return pino.destination({ dest: 2, sync: true });
}

class PinoLogger implements Logger {
  constructor(private readonly out: pino.Logger) {}

  debug(message: string, fields?: LogFields) {
    if (fields) this.out.debug(fields, message);
    else this.out.debug(message);
  }
  info(message: string, fields?: LogFields) {
    if (fields) this.out.info(fields, message);
    else this.out.info(message);
  }
  warn(message: string, fields?: LogFields) {
    if (fields) this.out.warn(fields, message);
    else this.out.warn(message);
  }
  error(message: string, fields?: LogFields) {
    if (fields) this.out.error(fields, message);
    else this.out.error(message);
  }
  child(bindings: LogFields): Logger {
    return new PinoLogger(this.out.child(bindings));
  }
  isLevelEnabled(level: LogLevel) {
    return this.out.isLevelEnabled(level);
  }
}

/** A logger at `level` writing to stderr (or to `destination`: tests). */
export function createLogger(level: LogLevel = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACTED, censor: '[redacted]' },
    serializers: { err: errorOnly },
  };
  return new PinoLogger(pino(options, destination ?? stderr()));
}
