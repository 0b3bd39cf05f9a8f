import { Worker } from 'node:worker_threads';
import type { Config } from './config.js';
import { type AppReply, type Forwarded, SlackFront } from './slack/front.js';
import type { Log } from './slack/presenter.js';

/** Main thread → app thread. */
export type ToApp = { readonly type: 'request'; readonly request: Forwarded } | { type: 'stop' };
/** App thread → main thread, besides the replies about requests. */
export type FromApp =
  | { readonly type: 'ready' }
  | { readonly type: 'stopped' }
  /** The app could not start (Slack unreachable, token refused): one line saying what to check. */
  | { readonly type: 'fatal'; readonly message: string };

export interface Running {
  readonly port: number;
  stop(): Promise<void>;
}

export interface ThreadedOptions {
  readonly config: Config;
  readonly log: Log;
  readonly host?: string;
  /** The app thread ended without being asked to (it crashed): the process should end too. */
  readonly onAppExit: (code: number) => void;
}

/**
 * The app thread's young generation (V8's default is several times this). Its garbage collections
 * no longer hold up any ack, so it can collect more often and keep the process smaller under load.
 */
const APP_THREAD_YOUNG_GENERATION_MB = 8;

/**
 * The app thread: compiled JavaScript in production. From TypeScript sources (tsx, vitest) a worker
 * gets no TypeScript loader of its own, so a two-line bootstrap registers tsx's before importing it.
 */
function appThread(data: unknown): Worker {
  const options = {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: APP_THREAD_YOUNG_GENERATION_MB },
  };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./appThread.js', import.meta.url), options);
  const target = JSON.stringify(new URL('./appThread.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${target}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * HTTP mode in production: Slack's front door in this thread, the app in a thread of its own.
 * Resolves once the app has settled old reminder claims and the front is listening.
 */
export async function startThreaded(o: ThreadedOptions): Promise<Running> {
  const worker = appThread({ config: o.config });
  let stopping = false;
  const front = new SlackFront(
    { signingSecret: o.config.signingSecret ?? '', log: o.log },
    (request) => worker.postMessage({ type: 'request', request } satisfies ToApp),
  );
  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (m: FromApp | AppReply) => {
      if (m.type === 'stopped') resolve();
      else if (m.type === 'ack' || m.type === 'done' || m.type === 'failed') front.reply(m);
    });
    worker.once('exit', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: FromApp | AppReply) => {
      if (m.type === 'fatal') reject(new Error(m.message));
      if (m.type !== 'ready') return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the app thread exited (${code}) while starting`)),
    );
  });
  worker.on('error', (e) => o.log('the app thread failed', { error: e.stack ?? e.message }));
  worker.once('exit', (code) => {
    if (!stopping) o.onAppExit(code);
  });
  const port = await front.listen(o.config.port, o.host);
  return {
    port,
    async stop() {
      if (stopping) return;
      stopping = true;
      // No new requests; those already forwarded finish with the app, which then closes the database.
      await front.close();
      worker.postMessage({ type: 'stop' } satisfies ToApp);
      await stopped;
    },
  };
}
