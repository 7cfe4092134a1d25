/**
 * A small structured logger: one JSON line per event on stderr. Never given secrets: callers log ids
 * and codes, not bodies or headers.
 */

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

export function createLogger(level: keyof typeof levels = 'info'): Logger {
  const min = levels[level];
  const write = (lvl: keyof typeof levels, message: string, fields?: Record<string, unknown>) => {
    if (levels[lvl] < min) return;
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...fields })}\n`,
    );
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
