import { keepAliveFetch } from './transport.js';

/** Who the bot is, from auth.test. */
export interface BotIdentity {
  readonly botUserId: string;
  readonly botId: string;
}

const REFUSED = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive']);

/**
 * Fails fast, in one line, when Slack can't be reached or refuses the token. One auth.test over
 * `node:http` (./transport.ts), without the Web API client or `fetch`, so src/main.ts can send it
 * before loading Bolt and the round trip overlaps start-up. One retry after 0.5 s for a network
 * failure or a 5xx; 8 s per try.
 */
export async function checkSlack(
  config: { readonly botToken: string | null; readonly slackApiUrl: string | null },
  o: { readonly retryDelayMs?: number; readonly timeoutMs?: number } = {},
): Promise<BotIdentity> {
  const where = config.slackApiUrl ?? 'https://slack.com/api/';
  const url = new URL('auth.test', where.endsWith('/') ? where : `${where}/`);
  const post = keepAliveFetch({ maxSockets: 1 });
  const timeoutMs = o.timeoutMs ?? 8000;
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 500));
    let res: Awaited<ReturnType<typeof post>>;
    try {
      res = await post(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${config.botToken ?? ''}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: '',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const code = (e as { code?: string }).code;
      problem =
        code === 'ABORT_ERR'
          ? `no answer within ${timeoutMs / 1000} s`
          : (code ?? (e as Error).message);
      continue;
    }
    if (res.status >= 500) {
      problem = `http_${res.status}`;
      continue;
    }
    const body = (await res.json().catch(() => null)) as {
      ok?: boolean;
      error?: string;
      user_id?: string;
      bot_id?: string;
    } | null;
    if (body?.ok) return { botUserId: body.user_id ?? '', botId: body.bot_id ?? '' };
    if (!body) {
      // Something answered, but not Slack's Web API (a proxy's page, a wrong SLACK_API_URL).
      problem = `HTTP ${res.status}, not a Slack API answer`;
      break;
    }
    const code = body.error ?? `http_${res.status}`;
    if (REFUSED.has(code))
      throw new Error(
        `Slack refused SLACK_BOT_TOKEN (${code}): reinstall the app and copy the Bot User OAuth Token again`,
      );
    problem = code;
    break;
  }
  throw new Error(
    `Cannot reach Slack at ${where} (${problem}): check the network, a proxy, or SLACK_API_URL`,
  );
}
