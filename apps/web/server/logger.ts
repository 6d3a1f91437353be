export type LogLevel = 'INFO' | 'WARN' | 'ERROR';
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/**
 * One JSON object per line, with the same keys as the Go API's slog output
 * (time, level, msg), so both containers' logs can be read by the same tooling.
 */
export function createJsonLogger(out: { write(chunk: string): unknown }): Logger {
  const write = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
  return {
    info: (msg, fields) => write('INFO', msg, fields),
    warn: (msg, fields) => write('WARN', msg, fields),
    error: (msg, fields) => write('ERROR', msg, fields),
  };
}
