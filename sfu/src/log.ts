/**
 * Minimal leveled logger: one line per event, `ISO-time LEVEL [scope] message key=value ...`,
 * to stderr. Level from ARGUS_LOG_LEVEL (debug | info | warn | error | silent), default info.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  const configured = (process.env.ARGUS_LOG_LEVEL ?? 'info') as LogLevel | 'silent';
  return order[configured] ?? order.info;
}

function format(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([key, value]) => ` ${key}=${value instanceof Error ? JSON.stringify(value.message) : typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
    .join('');
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/** A logger whose lines carry `[scope]`. */
export function createLogger(scope: string): Logger {
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (order[level] < threshold()) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${format(fields)}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (sub) => createLogger(`${scope}:${sub}`),
  };
}
