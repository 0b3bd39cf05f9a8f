/**
 * One Web API client for many workspaces: each call carries the token of the workspace whose work
 * is in progress, and a call outside any is refused without reaching Slack.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { forTeam, NoWorkspace, TeamClient } from '../../src/slack/teamClient.js';

let fake: FakeSlack;
beforeEach(async () => {
  fake = await startFakeSlack({
    users: [{ id: 'U1', name: 'ana', tz: 'UTC' }],
    teamId: 'T1',
    botUserId: 'UBOT',
  });
});
afterEach(async () => {
  await fake.close();
});

describe('TeamClient', () => {
  const options = () => ({ slackApiUrl: fake.url, retryConfig: { retries: 0 } });

  it('each workspace’s work calls Slack with its own token, however deep, however concurrent', async () => {
    const asked: string[] = [];
    const client = new TeamClient(async (team) => {
      asked.push(team);
      return `xoxb-${team}`;
    }, options());
    const post = (text: string) => client.chat.postMessage({ channel: 'C1', text });
    await Promise.all([
      forTeam('T1', async () => {
        await post('one');
        await new Promise((r) => setImmediate(r));
        await post('two');
      }),
      forTeam('T2', () => post('three')),
    ]);
    const byText = new Map(fake.callsTo('chat.postMessage').map((c) => [c.args.text, c.token]));
    expect(byText).toEqual(
      new Map([
        ['one', 'xoxb-T1'],
        ['two', 'xoxb-T1'],
        ['three', 'xoxb-T2'],
      ]),
    );
    expect(asked.sort()).toEqual(['T1', 'T2']); // looked up once each, then kept
  });

  it('a call outside any workspace’s work is refused before it reaches Slack', async () => {
    const client = new TeamClient(async (team) => `xoxb-${team}`, options());
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toBeInstanceOf(
      NoWorkspace,
    );
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  /** A client whose look-up fails until `installed`, then hands out a new token each time. */
  function lookingUp() {
    const state = { installed: false, lookups: 0 };
    const client = new TeamClient(async (team) => {
      if (!state.installed) throw new Error(`Amends is not installed in workspace ${team}`);
      return `xoxb-${team}-${++state.lookups}`;
    }, options());
    return { client, state };
  }

  it('a workspace with no token (uninstalled) fails its call before it reaches Slack', async () => {
    const { client } = lookingUp();
    await expect(forTeam('T1', () => client.auth.test())).rejects.toThrow(/not installed/);
    expect(fake.callsTo('auth.test')).toHaveLength(0);
  });

  it('after a failed look-up the next call asks again', async () => {
    const { client, state } = lookingUp();
    await expect(forTeam('T1', () => client.auth.test())).rejects.toThrow(/not installed/);
    state.installed = true;
    await forTeam('T1', () => client.auth.test());
    expect(fake.callsTo('auth.test').at(-1)?.token).toBe('xoxb-T1-1');
  });

  /** A client that has called twice for T1 since it was installed. */
  async function calledTwice() {
    const { client, state } = lookingUp();
    state.installed = true;
    await forTeam('T1', () => client.auth.test());
    await forTeam('T1', () => client.auth.test());
    return client;
  }

  it('keeps a token it looked up', async () => {
    await calledTwice();
    expect(fake.callsTo('auth.test').map((c) => c.token)).toEqual(['xoxb-T1-1', 'xoxb-T1-1']);
  });

  it('forget drops a token it kept', async () => {
    const client = await calledTwice();
    client.forget('T1');
    await forTeam('T1', () => client.auth.test());
    expect(fake.callsTo('auth.test').at(-1)?.token).toBe('xoxb-T1-2');
  });

  it('a token given with the call (a request’s own, from Bolt) is used as given', async () => {
    const client = new TeamClient(async () => 'xoxb-looked-up', options());
    await client.chat.postMessage({ channel: 'C1', text: 'x', token: 'xoxb-request' });
    expect(fake.callsTo('chat.postMessage')[0]?.token).toBe('xoxb-request');
  });
});
