import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Log, LogFields } from './services/ports.js';

export type { Logger } from 'pino';
export type { Log, LogFields } from './services/ports.js';

/** A line as the sandbox and the tests collect it: message, details, level name. */
export type LogSink = (msg: string, extra?: Record<string, unknown>, level?: string) => void;

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

/** The fields of the request or job in progress (its `team` and `case`), added to every line. */
const scope = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` with `fields` on every line logged inside it, by any logger, including the work it
 * starts and does not await (the Slack calls after an ack). Nested scopes add to the outer one.
 */
export function logScope<T>(fields: LogFields, fn: () => T): T {
  const outer = scope.getStore();
  return scope.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** pino's own `err` serializer (type, message, stack, cause), with tokens scrubbed from its text. */
function errSerializer(e: unknown): unknown {
  if (!(e instanceof Error)) return typeof e === 'string' ? scrub(e) : e;
  const s = pino.stdSerializers.err(e) as unknown as Record<string, unknown>;
  for (const k of ['message', 'stack'] as const)
    if (typeof s[k] === 'string') s[k] = scrub(s[k] as string);
  return s;
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
      serializers: { err: errSerializer },
      mixin: () => ({ ...scope.getStore() }),
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

const clean = (fields: LogFields): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? scrub(v) : v]),
  );

/**
 * The `Log` port on top of pino: the level is the one the caller names; texts in the details are
 * scrubbed of tokens; `err` goes through pino's error serializer (its stack is kept).
 */
export function logPort(logger: Logger): Log {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: LogFields): void => {
      if (fields) logger[level](clean(fields), msg);
      else logger[level](msg);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => logPort(logger.child(clean(bindings))),
  };
}

const text = (parts: unknown[]): string =>
  parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ');

/** Bolt's Logger interface, written to the same pino logger (Bolt's `logger` option). */
export function boltLogger(root: Logger): BoltLogger {
  let l = root.child({ name: 'bolt' });
  // An Error among Bolt's arguments goes out as `err`, with its stack.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...m: unknown[]): void => {
      const err = m.find((p) => p instanceof Error);
      if (err) l[level]({ err }, text(m));
      else l[level](text(m));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
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
 * A pino logger whose lines are handed to a sink (message, details, level name): the sandbox and
 * the tests give Bolt a real logger while keeping their own sink.
 */
export function loggerFromLog(log: LogSink, level: LoggerOptions['level'] = 'info'): Logger {
  return createLogger({
    level,
    destination: {
      write(line: string) {
        try {
          const { msg, level: n, time: _t, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const name = typeof n === 'number' ? pino.levels.labels[n] : undefined;
          log(String(msg ?? ''), Object.keys(rest).length ? rest : undefined, name);
        } catch {
          // Not a JSON line (pino writes only JSON here): handed on as text, not lost.
          log(line.trim());
        }
      },
    },
  });
}

/** A sink that writes each line to a pino logger at the line's own level (the sandbox's output). */
export const sinkTo =
  (logger: Logger): LogSink =>
  (msg, extra, level) => {
    const at = level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
    logger[at](extra ?? {}, msg);
  };

/** The `Log` port writing to a sink: the sandbox's and the tests' own collection of lines. */
export const logTo = (sink: LogSink, level: LoggerOptions['level'] = 'info'): Log =>
  logPort(loggerFromLog(sink, level));
