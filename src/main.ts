import { type Config, ConfigError, loadConfig } from './config.js';
import { createLogger, sinkTo } from './log.js';
import { checkSlack } from './slack/checkSlack.js';

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
  const logger = createLogger({
    level: config.logLevel,
    pretty: config.mode === 'sandbox' || process.env.NODE_ENV === 'development',
  });

  if (config.mode === 'sandbox') {
    const { startSandbox } = await import('./sandbox/server.js');
    // The sandbox prints its one line and stops itself on SIGINT/SIGTERM.
    await startSandbox(config, sinkTo(logger));
    return;
  }

  // The signal handlers come first: a SIGTERM at any moment of the start-up must end the process
  // cleanly, never with the default action, and never wait for Slack. Until startBot runs, nothing
  // is open (no database, no port), so the process just exits; after, the bot drains.
  let starting: Promise<Awaited<ReturnType<typeof import('./start.js').startBot>>> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!starting) {
      logger.info({ signal }, 'stopped during start-up: nothing had started');
      process.exit(0);
    }
    logger.info({ signal }, 'shutting down');
    try {
      const bot = await starting;
      await bot.stop();
    } catch (e) {
      logger.error({ err: e }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // Slack is asked who the bot is before Bolt and the rest are loaded: the round trip overlaps the
  // loading. (Handled here at once, so a quick failure is not an unhandled rejection meanwhile.)
  const identity = config.oauth ? undefined : checkSlack(config);
  identity?.catch(() => {});
  const { startBot } = await import('./start.js');
  // A refused token or an unreachable Slack ends here, with its one line (main's catch).
  await identity;
  if (stopping) return;
  starting = startBot(config, logger, identity);
  const bot = await starting;
  const health = bot.amends.ops.healthPort();
  const probes = '/livez, /readyz (/healthz), /metrics';
  console.log(
    bot.port === null
      ? `Amends is running (Socket Mode); probes ${probes} on port ${health}`
      : `Amends is running (HTTP) on port ${bot.port}: Slack endpoint /slack/events, ${
          config.oauth ? 'install page /slack/install, ' : ''
        }${health === null ? `probes ${probes}` : `probes ${probes} on port ${health}`}`,
  );
}

main().catch((e) => {
  console.error(`amends: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
