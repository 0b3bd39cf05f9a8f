/**
 * One server under test, run in its own process by bench/run.ts (child_process.fork) so that its
 * memory and start-up are its own and the load generator never shares its event loop.
 *   bare    a Bolt 5 app behind its HTTPReceiver whose handlers only ack (the framework's ceiling)
 *   thin    the thinnest bot that answers a command with a message: Bolt's HTTPReceiver, /incident
 *           acks, then one chat.postMessage to the (fake) Web API
 *   amends  Amends as src/main.ts starts it in HTTP mode (startBot: Bolt's HTTPReceiver), on a seeded
 *           database (SQLite, or PostgreSQL with `databaseUrl`); `synchronous: 'NORMAL'` lowers the
 *           durability of its SQLite commits (a bench-only variant, to measure what the FULL fsync
 *           costs the ack)
 * IPC: sends {type:'ready'} once listening; answers {type:'stats'}; exits on {type:'stop'}.
 */
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { App, webApi } from '@slack/bolt';
import { BOT_ID, BOT_TOKEN, BOT_USER, peakRssBytes, rssSampler, SECRET } from './lib/common.js';

export interface ServerArgs {
  readonly kind: 'bare' | 'thin' | 'amends';
  readonly port: number;
  readonly dbPath?: string;
  /** Amends only: `postgres://…` runs it on PostgreSQL (DATABASE_URL), else on the file at dbPath. */
  readonly databaseUrl?: string;
  readonly slackApiUrl?: string;
  /** Amends only: set after start-up, on its connection (src/store/db.ts sets FULL). */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

export type ToServer = { type: 'stats' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; uptimeMs: number }
  | {
      type: 'stats';
      peakRss: number;
      rss: number;
      /** CPU time used so far (user + system). */
      cpuMs: number;
      /** Time the event loop has been busy so far (includes blocking calls such as fsync). */
      loopMs: number;
      logs: Record<string, number>;
      /** Amends only: requests its gate refused so far, by reason, and those being worked on. */
      gate: { busy: number; stopping: number; active: number } | null;
      /** Event-loop delay since the last stats call (ms): how long a ready request could wait. */
      loopDelay: { p50: number; p99: number; max: number };
      /** Garbage-collection pauses since the last stats call. */
      gc: { count: number; totalMs: number; maxMs: number; over10: number };
      /**
       * Since the last stats call, per request: from Node reading it (the HTTP parser's request
       * event, where Amends stamps its arrival) to its response being written. Time a request spent
       * in the kernel before the event loop came round to reading it is not in here.
       */
      served: { count: number; p50: number; p99: number; max: number };
    };

const args = JSON.parse(process.argv[2] ?? '{}') as ServerArgs;
const sampler = rssSampler(50);
// 10 ms, not 1: a 1 ms timer costs an idle server ~15 ms of CPU a second, which would be counted
// in every request's CPU at the open-loop rates.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0, over10: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
    if (e.duration > 10) gc.over10++;
  }
}).observe({ entryTypes: ['gc'] });
// Every HTTP request this process serves, timed from read to response (diagnostics channels, so
// the same for every kind of server and nothing in the code under test changes).
const readAt = new WeakMap<object, number>();
let served: number[] = [];
subscribe('http.server.request.start', (m) => {
  readAt.set((m as { request: object }).request, performance.now());
});
subscribe('http.server.response.finish', (m) => {
  const t = readAt.get((m as { request: object }).request);
  if (t !== undefined) served.push(performance.now() - t);
});
const logs: Record<string, number> = {};
const log = (msg: string) => {
  logs[msg] = (logs[msg] ?? 0) + 1;
};
const send = (m: FromServer) => process.send?.(m);
let gate: () => Extract<FromServer, { type: 'stats' }>['gate'] = () => null;

/** Bolt's own HTTP receiver, as an app would configure it: ack first, work after. */
async function boltApp(clientOptions?: webApi.WebClientOptions): Promise<App> {
  // Loaded here, as every kind loads Bolt itself: Amends sends auth.test before it loads Bolt.
  const { App, HTTPReceiver, LogLevel } = await import('@slack/bolt');
  const receiver = new HTTPReceiver({
    signingSecret: SECRET,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: 2500,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true }));
        },
      },
    ],
  });
  return new App({
    token: BOT_TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    tokenVerificationEnabled: false,
    botUserId: BOT_USER,
    botId: BOT_ID,
    ...(clientOptions ? { clientOptions } : {}),
  });
}

async function startBare(): Promise<() => Promise<void>> {
  const app = await boltApp();
  app.command('/incident', async ({ ack }) => {
    await ack();
  });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  await app.start({ port: args.port, host: '127.0.0.1' });
  return async () => {
    await app.stop();
  };
}

async function startThin(): Promise<() => Promise<void>> {
  if (!args.slackApiUrl) throw new Error('thin needs slackApiUrl');
  // The Web API client as Amends configures it (no retries), so the post's path is the same.
  const app = await boltApp({ slackApiUrl: args.slackApiUrl, retryConfig: { retries: 0 } });
  app.command('/incident', async ({ ack, body, client }) => {
    await ack();
    await client.chat.postMessage({ channel: body.channel_id, text: `Case: ${body.text}` });
  });
  app.error(async (e) => log(`thin: ${e.message}`));
  await app.start({ port: args.port, host: '127.0.0.1' });
  return async () => {
    await app.stop();
  };
}

async function startAmends(): Promise<() => Promise<void>> {
  if (!args.dbPath || !args.slackApiUrl) throw new Error('amends needs dbPath and slackApiUrl');
  // Loaded here, not at the top: the bare app's memory and start-up must not include Amends' modules.
  // From the bundle `npm start` runs (dist/app, scripts/bundle.mjs), in src/main.ts's order: the
  // settings, the logger and checkSlack; auth.test is sent; then Bolt and the rest of Amends load.
  const app = (path: string) => import(new URL(`../app/${path}`, import.meta.url).href);
  const [{ checkSlack }, { configWith }, { loggerFromLog }] = (await Promise.all([
    app('slack/checkSlack.js'),
    app('config.js'),
    app('log.js'),
  ])) as [
    typeof import('../src/slack/checkSlack.js'),
    typeof import('../src/config.js'),
    typeof import('../src/log.js'),
  ];
  const identity = checkSlack({ botToken: BOT_TOKEN, slackApiUrl: args.slackApiUrl });
  identity.catch(() => {});
  const { startBot } = (await app('start.js')) as typeof import('../src/start.js');
  const config = configWith({
    mode: 'http',
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    port: args.port,
    databasePath: args.dbPath,
    databaseUrl: args.databaseUrl ?? null,
    slackApiUrl: args.slackApiUrl,
    logLevel: 'warn',
  });
  // Exactly what src/main.ts starts in HTTP mode: one thread, Bolt's own receiver.
  const running = await startBot(config, loggerFromLog(log, 'warn'), identity);
  // The bot's own SQLite connection (synchronous is a setting of the connection).
  if (args.synchronous) running.amends.store.sqlite?.pragma(`synchronous = ${args.synchronous}`);
  const g = running.amends.gate;
  gate = () => ({ ...g.refused, active: g.active });
  return () => running.stop();
}

const stop = await (args.kind === 'bare'
  ? startBare()
  : args.kind === 'thin'
    ? startThin()
    : startAmends());
send({ type: 'ready', uptimeMs: performance.now() });
process.on('message', (m: ToServer) => {
  if (m.type === 'stats') {
    const cpu = process.cpuUsage();
    send({
      type: 'stats',
      peakRss: peakRssBytes(sampler.max()),
      rss: process.memoryUsage.rss(),
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopMs: performance.eventLoopUtilization().active,
      logs,
      gate: gate(),
      loopDelay: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
      gc,
      served: (() => {
        const sorted = Float64Array.from(served).sort();
        const at = (p: number) =>
          sorted.length
            ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0)
            : 0;
        return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
      })(),
    });
    served = [];
    delay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0, over10: 0 };
  } else if (m.type === 'stop')
    void stop()
      .catch(() => {})
      .finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
