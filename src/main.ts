import { type Config, ConfigError, loadConfig } from './config.js';
import { createLogger, logFn } from './log.js';
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
    await startSandbox(config, logFn(logger));
    return;
  }

  // Slack is asked who the bot is before Bolt and the rest are loaded: the round trip overlaps the
  // loading. (Handled here at once, so a quick failure is not an unhandled rejection meanwhile.)
  const identity = checkSlack(config);
  identity.catch(() => {});
  // The signal handlers come first: a SIGTERM during start-up (or right after the "running" line)
  // must still drain, never kill the process outright with the default action.
  const { startBot } = await import('./compose.js');
  const starting = startBot(config, logger, identity);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      const bot = await starting;
      await bot.stop();
    } catch (e) {
      logger.error({ error: String(e) }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const bot = await starting;
  console.log(
    bot.port === null
      ? 'Amends is running (Socket Mode)'
      : `Amends is running (HTTP) on port ${bot.port}: Slack endpoint /slack/events, health /healthz`,
  );
}

main().catch((e) => {
  console.error(`amends: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
