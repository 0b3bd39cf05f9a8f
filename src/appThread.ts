/**
 * The app thread (production, HTTP mode): everything except Slack's front door. It composes the app
 * exactly as the tests do, but without an HTTP server of its own: the front in the main thread
 * (src/slack/front.ts) forwards each verified request here and gets the ack and the end of the work
 * back. Database, rendering, Web API calls, reminder ticks and upkeep all run here, so none of them
 * ever delays an ack. The front only listens once this thread says it is ready.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { startBot } from './compose.js';
import type { Config } from './config.js';
import type { AppReply } from './slack/front.js';
import type { FromApp, ToApp } from './threads.js';

/** The app thread's nice value (0 is the default, 19 the lowest priority). */
const APP_THREAD_NICE = 10;

const port = parentPort;
if (!port) throw new Error('src/appThread.ts runs as a worker thread (see src/threads.ts)');
const send = (m: FromApp | AppReply) => port.postMessage(m);
const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), msg, ...extra }));

const { config } = workerData as { config: Config };
// Below the front's priority: when both want a core, the front's acks go first. On Linux a nice
// value is per thread, so this lowers this thread (and threads it starts) only, not the front.
try {
  setPriority(APP_THREAD_NICE);
} catch {
  // not permitted here: the front still has its own thread
}
let bot: Awaited<ReturnType<typeof startBot>>;
try {
  bot = await startBot(config, log, false);
} catch (e) {
  // One line for the main thread to print before it exits (src/main.ts).
  send({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
const receiver = bot.amends.receiver;
if (!receiver) throw new Error('the app thread needs HTTP mode');
port.on('message', (m: ToApp) => {
  if (m.type === 'stop') void stop();
  else if (m.type === 'request') receiver.handle(m.request, send);
});
send({ type: 'ready' });

async function stop(): Promise<void> {
  await bot.stop();
  send({ type: 'stopped' });
  port?.close();
}
