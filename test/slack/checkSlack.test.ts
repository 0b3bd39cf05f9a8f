import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { checkSlack } from '../../src/slack/checkSlack.js';
import { TEAM } from '../helpers/harness.js';

let fake: FakeSlack | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});
async function slack(): Promise<FakeSlack> {
  fake = await startFakeSlack({ users: [], teamId: TEAM });
  return fake;
}

describe('checkSlack (auth.test before Bolt is loaded)', () => {
  it('answers who the bot is, sending the token as Slack expects', async () => {
    const f = await slack();
    const who = await checkSlack({ botToken: 'xoxb-test', slackApiUrl: f.url });
    expect(who).toEqual({ botUserId: f.botUserId, botId: f.botId });
    expect(f.callsTo('auth.test')).toHaveLength(1);
    expect(f.callsTo('auth.test')[0]?.token).toBe('xoxb-test');
  });

  it('a refused token: one sentence saying to reinstall, no retry', async () => {
    const f = await slack();
    f.failNext('auth.test', 'invalid_auth', 2);
    await expect(checkSlack({ botToken: 'xoxb-test', slackApiUrl: f.url })).rejects.toThrow(
      /^Slack refused SLACK_BOT_TOKEN \(invalid_auth\): reinstall the app/,
    );
    expect(f.callsTo('auth.test')).toHaveLength(1);
  });

  it('one 5xx (or an HTML error page) is tried again once', async () => {
    const f = await slack();
    f.failNext('auth.test', { status: 502, html: true });
    const config = { botToken: 'xoxb-test', slackApiUrl: f.url };
    expect(await checkSlack(config, { retryDelayMs: 0 })).toMatchObject({
      botId: f.botId,
    });
    expect(f.callsTo('auth.test')).toHaveLength(2);
  });

  it('two 5xx in a row fail with what to check', async () => {
    const f = await slack();
    f.failNext('auth.test', { status: 500 }, 2);
    const config = { botToken: 'xoxb-test', slackApiUrl: f.url };
    await expect(checkSlack(config, { retryDelayMs: 0 })).rejects.toThrow(
      /^Cannot reach Slack at .* \(http_500\): check the network, a proxy, or SLACK_API_URL$/,
    );
    expect(f.callsTo('auth.test')).toHaveLength(2);
  });
});

describe('checkSlack when nothing answers', () => {
  it('a refused connection is tried once more, then named in the one line', async () => {
    const f = await slack();
    const url = f.url;
    await f.close();
    fake = null;
    await expect(
      checkSlack({ botToken: 'xoxb-test', slackApiUrl: url }, { retryDelayMs: 0 }),
    ).rejects.toThrow(/^Cannot reach Slack at .* \(ECONNREFUSED\): check the network/);
  });
});

describe('checkSlack when something else answers', () => {
  it('a page that is not the Web API (200, HTML) is named as such, not as unreachable', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to the proxy</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      await expect(
        checkSlack({ botToken: 'xoxb-test', slackApiUrl: `http://127.0.0.1:${port}/api/` }),
      ).rejects.toThrow(
        /^Cannot reach Slack at .* \(HTTP 200, not a Slack API answer\): check the network, a proxy, or SLACK_API_URL$/,
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('checkSlack when Slack never answers', () => {
  it('gives up each try after its timeout, saying there was no answer', async () => {
    const { createServer } = await import('node:http');
    let asked = 0;
    const server = createServer(() => {
      asked++; // and never answer
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      await expect(
        checkSlack(
          { botToken: 'xoxb-test', slackApiUrl: `http://127.0.0.1:${port}/api/` },
          { retryDelayMs: 0, timeoutMs: 50 },
        ),
      ).rejects.toThrow(
        /^Cannot reach Slack at .* \(no answer within 0\.05 s\): check the network/,
      );
      expect(asked).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
