/**
 * One server under test, run in its own process by bench/run.ts (child_process.fork) so that its
 * memory and start-up are its own and the load generator never shares its event loop.
 *   bare    a Bolt 5 app behind its HTTPReceiver whose handlers only ack (the framework's ceiling)
 *   amends  Amends as src/main.ts starts it in HTTP mode (startBot: Bolt's HTTPReceiver), on a seeded database
 * IPC: sends {type:'ready'} once listening; answers {type:'stats'}; exits on {type:'stop'}.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { BOT_ID, BOT_TOKEN, BOT_USER, peakRssBytes, rssSampler, SECRET } from './lib/common.js';

export interface ServerArgs {
  readonly kind: 'bare' | 'amends';
  readonly port: number;
  readonly dbPath?: string;
  readonly slackApiUrl?: string;
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
      /** Event-loop delay since the last stats call (ms): how long a ready request could wait. */
      loopDelay: { p50: number; p99: number; max: number };
      /** Garbage-collection pauses since the last stats call. */
      gc: { count: number; totalMs: number; maxMs: number; over10: number };
    };

const args = JSON.parse(process.argv[2] ?? '{}') as ServerArgs;
const sampler = rssSampler(50);
const delay = monitorEventLoopDelay({ resolution: 1 });
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
const logs: Record<string, number> = {};
const log = (msg: string) => {
  logs[msg] = (logs[msg] ?? 0) + 1;
};
const send = (m: FromServer) => process.send?.(m);

async function startBare(): Promise<() => Promise<void>> {
  // Bolt's own HTTP receiver, as an app would configure it: ack first, work after.
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
  const app = new App({
    token: BOT_TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    tokenVerificationEnabled: false,
    botUserId: BOT_USER,
    botId: BOT_ID,
  });
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

async function startAmends(): Promise<() => Promise<void>> {
  if (!args.dbPath || !args.slackApiUrl) throw new Error('amends needs dbPath and slackApiUrl');
  // Loaded here, not at the top: the bare app's memory and start-up must not include Amends' modules.
  const [{ startBot }, { configWith }, { loggerFromLog }] = await Promise.all([
    import('../src/compose.js'),
    import('../src/config.js'),
    import('../src/log.js'),
  ]);
  const config = configWith({
    mode: 'http',
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    port: args.port,
    databasePath: args.dbPath,
    slackApiUrl: args.slackApiUrl,
    logLevel: 'warn',
  });
  // Exactly what src/main.ts starts in HTTP mode: one thread, Bolt's own receiver.
  const running = await startBot(config, loggerFromLog(log, 'warn'));
  return () => running.stop();
}

const stop = await (args.kind === 'bare' ? startBare() : startAmends());
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
      loopDelay: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
      gc,
    });
    delay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0, over10: 0 };
  } else if (m.type === 'stop')
    void stop()
      .catch(() => {})
      .finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
