import type { Log, LogFields } from '../../src/services/ports.js';

/** One line logged through `memoryLog`: its level, message and details (bound fields included). */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields?: Record<string, unknown>;
}

/** The Log port without pino: each line handed to `push` as it is logged (unit tests). */
export function memoryLog(push: (line: LogLine) => void, bound: LogFields = {}): Log {
  const at =
    (level: LogLine['level']) =>
    (msg: string, fields?: LogFields): void => {
      const all = { ...bound, ...fields };
      push(Object.keys(all).length ? { level, msg, fields: all } : { level, msg });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => memoryLog(push, { ...bound, ...more }),
  };
}
