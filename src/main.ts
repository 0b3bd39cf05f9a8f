import { webApi } from '@slack/bolt';
import { composeAmends } from './compose.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { systemClock } from './domain/clock.js';
import { scheduleHousekeeping, scheduleReminders } from './scheduler/reminderTick.js';
import { slackErrorCode } from './slack/errors.js';

const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), msg, ...extra }));

/** Fails fast, in one line, when Slack can't be reached or refuses the token (instead of half an hour of retries). */
async function checkSlack(config: Config): Promise<{ botUserId: string; botId: string }> {
  const client = new webApi.WebClient(config.botToken ?? '', {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    retryConfig: { retries: 1, factor: 1, minTimeout: 500, maxTimeout: 1000 },
    timeout: 8000,
    logLevel: webApi.LogLevel.ERROR, // the one line below says it all
  });
  try {
    const r = await client.auth.test();
    return { botUserId: r.user_id ?? '', botId: r.bot_id ?? '' };
  } catch (e) {
    const code = slackErrorCode(e);
    const where = config.slackApiUrl ?? 'https://slack.com/api/';
    if (
      code === 'invalid_auth' ||
      code === 'not_authed' ||
      code === 'token_revoked' ||
      code === 'account_inactive'
    ) {
      throw new Error(
        `Slack refused SLACK_BOT_TOKEN (${code}): reinstall the app and copy the Bot User OAuth Token again`,
      );
    }
    throw new Error(
      `Cannot reach Slack at ${where} (${code ?? (e as Error).message}): check the network, a proxy, or SLACK_API_URL`,
    );
  }
}

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

  const who = await checkSlack(config);
  const amends = composeAmends({ config, clock: systemClock, log, ...who });
  // Claims left in flight by a previous process are settled before anything is sent again.
  await amends.reminders.reconcile();
  const port = await amends.start();
  const ticker = scheduleReminders(config.reminderCron, amends.reminders, log);
  const upkeep = scheduleHousekeeping(() => amends.cases.forgetOldRequests(), log);
  console.log(
    config.mode === 'http'
      ? `Amends is running (HTTP) on port ${port}: Slack endpoint /slack/events, health /healthz`
      : 'Amends is running (Socket Mode)',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('shutting down', { signal });
    await ticker.stop();
    await upkeep.stop();
    await amends.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error(`amends: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
