/**
 * One server under test, run in its own process by bench/run.ts (child_process.fork) so that its
 * memory and start-up are its own and the load generator never shares its event loop.
 *   bare    a Bolt 5 app behind its HTTPReceiver whose handlers only ack (the framework's ceiling)
 *   amends  Amends as main.ts wires it (composeAmends + reconcile + scheduler), on a seeded database
 * IPC: sends {type:'ready'} once listening; answers {type:'stats'}; exits on {type:'stop'}.
 */
import { App, LogLevel } from '@slack/bolt';
import { httpReceiver } from '../src/slack/receiver.js';
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
    };

const args = JSON.parse(process.argv[2] ?? '{}') as ServerArgs;
const sampler = rssSampler(50);
const logs: Record<string, number> = {};
const log = (msg: string) => {
  logs[msg] = (logs[msg] ?? 0) + 1;
};
const send = (m: FromServer) => process.send?.(m);

async function startBare(): Promise<() => Promise<void>> {
  // The very receiver Amends uses (src/slack/receiver.ts), and nothing else.
  const receiver = httpReceiver(SECRET);
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
  const [{ composeAmends }, { systemClock }, { configWith }, { scheduleReminders }] =
    await Promise.all([
      import('../src/compose.js'),
      import('../src/domain/clock.js'),
      import('../src/config.js'),
      import('../src/scheduler/reminderTick.js'),
    ]);
  const config = configWith({
    mode: 'http',
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    port: args.port,
    databasePath: args.dbPath,
    slackApiUrl: args.slackApiUrl,
    logLevel: 'error',
  });
  const amends = composeAmends({
    config,
    clock: systemClock,
    log,
    host: '127.0.0.1',
    botUserId: BOT_USER,
    botId: BOT_ID,
  });
  await amends.reminders.reconcile();
  await amends.start();
  const ticker = scheduleReminders(config.reminderCron, amends.reminders, log);
  return async () => {
    await ticker.stop();
    await amends.stop();
  };
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
    });
  } else if (m.type === 'stop')
    void stop()
      .catch(() => {})
      .finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
