import { createRequire } from 'node:module';
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** What the rest of the code logs through: a message and, optionally, structured details. */
export type Log = (msg: string, extra?: Record<string, unknown>) => void;

/** Slack tokens and secrets that can turn up inside a free-text message (an error, a URL). */
const SECRET_TEXT = /\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+/g;
export const scrub = (s: string): string => s.replace(SECRET_TEXT, '$1-[redacted]');

/** Fields that never reach the log as they are, wherever they sit (one level deep). */
const REDACT = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'secret',
  'authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
];

export interface LoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Human-readable lines (sandbox, development); JSON lines otherwise. */
  readonly pretty?: boolean;
  /** Where lines go (tests capture them); stdout by default. */
  readonly destination?: DestinationStream;
}

/**
 * The one logger: pino, JSON in production, pretty in the sandbox and in development. Tokens and
 * secrets are redacted by field name and, inside messages, by shape. Synchronous output, so the
 * lines written just before a crash are not lost.
 */
export function createLogger(o: LoggerOptions): Logger {
  const destination =
    o.destination ??
    (o.pretty
      ? // loaded only when asked for: production never pays for it at start-up
        (createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty'))({
          sync: true,
          colorize: false,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname',
        })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: o.level,
      base: undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}

/**
 * The code's `Log` on top of pino: a line whose details carry an `error` is a warning, anything
 * else is information. Error texts are scrubbed of tokens as well.
 */
export function logFn(logger: Logger): Log {
  return (msg, extra) => {
    if (!extra) {
      logger.info(msg);
      return;
    }
    const clean = Object.fromEntries(
      Object.entries(extra).map(([k, v]) => [k, typeof v === 'string' ? scrub(v) : v]),
    );
    if ('error' in extra) logger.warn(clean, msg);
    else logger.info(clean, msg);
  };
}

const text = (parts: unknown[]): string =>
  parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ');

/** Bolt's Logger interface, written to the same pino logger (Bolt's `logger` option). */
export function boltLogger(root: Logger): BoltLogger {
  let l = root.child({ name: 'bolt' });
  return {
    debug: (...m: unknown[]) => l.debug(text(m)),
    info: (...m: unknown[]) => l.info(text(m)),
    warn: (...m: unknown[]) => l.warn(text(m)),
    error: (...m: unknown[]) => l.error(text(m)),
    setLevel: (level: LogLevel) => {
      l.level = level;
    },
    getLevel: () => l.level as LogLevel,
    setName: (name: string) => {
      l = root.child({ name });
    },
  };
}

/**
 * A pino logger whose lines are handed to a `Log` function (message and details): the sandbox and
 * the tests give Bolt a real logger while keeping their own sink.
 */
export function loggerFromLog(log: Log, level: LoggerOptions['level'] = 'info'): Logger {
  return createLogger({
    level,
    destination: {
      write(line: string) {
        try {
          const { msg, level: _l, time: _t, ...rest } = JSON.parse(line) as Record<string, unknown>;
          log(String(msg ?? ''), Object.keys(rest).length ? rest : undefined);
        } catch {
          log(line.trim());
        }
      },
    },
  });
}
