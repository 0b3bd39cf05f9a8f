import { type Config, ConfigError, loadConfig } from './config.js';
import { startThreaded } from './threads.js';

const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), msg, ...extra }));

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) console.error(`amends: ${p}`);
      process.exit(1);
    }
    throw e;
  }

  if (config.mode === 'sandbox') {
    const { startSandbox } = await import('./sandbox/server.js');
    await startSandbox(config, log);
    return;
  }

  if (config.mode === 'http') {
    // The front answers Slack in this thread; the app works in a thread of its own (src/threads.ts),
    // which first checks that Slack accepts the token.
    const running = await startThreaded({
      config,
      log,
      onAppExit: (code) => {
        console.error(`amends: the app thread stopped unexpectedly (exit code ${code})`);
        process.exit(1);
      },
    });
    console.log(
      `Amends is running (HTTP) on port ${running.port}: Slack endpoint /slack/events, health /healthz`,
    );
    onShutdown(() => running.stop());
    return;
  }

  // Socket Mode: no HTTP front to protect, so the app runs in this thread.
  const { startBot } = await import('./compose.js');
  const bot = await startBot(config, log);
  console.log('Amends is running (Socket Mode)');
  onShutdown(() => bot.stop());
}

/** SIGINT/SIGTERM: stop taking work, let what is in flight finish, close the database, exit 0. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('shutting down', { signal });
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error(`amends: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
