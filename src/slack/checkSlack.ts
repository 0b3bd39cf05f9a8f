import { webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import { slackErrorCode } from './errors.js';

/** Fails fast, in one line, when Slack can't be reached or refuses the token (instead of half an hour of retries). */
export async function checkSlack(config: Config): Promise<{ botUserId: string; botId: string }> {
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
