import { ErrorCode, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fakeSlack.js';

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack({
    users: [
      { id: 'U1', name: 'ana', realName: 'Ana Lima', tz: 'Asia/Kolkata', locale: 'pt-BR' },
      { id: 'U2', name: 'bo', tz: 'UTC' },
    ],
    teamId: 'T123',
    botUserId: 'UBOT',
  });
  client = new WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});

afterEach(async () => {
  await fake.close();
});

/** The `data.error` of the platform error a call rejects with. */
async function slackError(p: Promise<unknown>): Promise<string | undefined> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return (err as { data?: { error?: string } } | undefined)?.data?.error;
}

describe('fakeSlack', () => {
  it('exposes Slack-shaped base URLs', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(fake.responseUrlBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\/$/);
  });

  it("answers auth.test as its workspace's bot, recording the call's token", async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, team_id: 'T123', user_id: 'UBOT', bot_id: 'BBOT' });
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: 'xoxb-test' });
  });

  it('round-trips a thread with metadata only when include_all_metadata is set', async () => {
    const metadata = { event_type: 'amend_created', event_payload: { amend_id: 42 } };
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks, metadata });
    expect(parent).toMatchObject({ ok: true, channel: 'C1' });
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(parent.message).toMatchObject({ type: 'message', text: 'hi', user: 'UBOT', blocks });
    const parentTs = parent.ts as string;

    const reply = await client.chat.postMessage({ channel: 'C1', text: 'r', thread_ts: parentTs });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parentTs));

    const bare = await client.conversations.replies({ channel: 'C1', ts: parentTs });
    expect(bare.messages?.map((m) => m.text)).toEqual(['hi', 'r']);
    expect(bare.messages?.[0]?.metadata).toBeUndefined();
    expect(bare).toMatchObject({ has_more: false, response_metadata: { next_cursor: '' } });

    const full = await client.conversations.replies({
      channel: 'C1',
      ts: parentTs,
      include_all_metadata: true,
    });
    expect(full.messages?.[0]?.metadata).toEqual(metadata);
    expect(full.messages?.[1]).toMatchObject({ thread_ts: parentTs });

    expect(fake.callsTo('chat.postMessage')[0]?.args.metadata).toEqual(metadata);
    expect(await slackError(client.conversations.replies({ channel: 'C1', ts: '1.000001' }))).toBe(
      'thread_not_found',
    );
  });

  describe('chat.update', () => {
    /** The events the fake emitted, a post of 'draft' updated to 'final', and the update's answer. */
    async function draftUpdated() {
      const seen: string[] = [];
      fake.on('message', (m) => seen.push(`message:${m.text}`));
      fake.on('update', (m) => seen.push(`update:${m.text}`));
      const { ts } = await client.chat.postMessage({ channel: 'C1', text: 'draft' });
      const res = await client.chat.update({ channel: 'C1', ts: ts as string, text: 'final' });
      return { seen, ts, res };
    }

    it('updates a message in place', async () => {
      const { ts, res } = await draftUpdated();
      expect(res).toMatchObject({ ok: true, channel: 'C1', ts, text: 'final' });
      expect(fake.messages).toHaveLength(1);
      expect(fake.messages[0]).toMatchObject({ ts, text: 'final' });
    });

    it('emits a message event for the post, then an update event', async () => {
      expect((await draftUpdated()).seen).toEqual(['message:draft', 'update:final']);
    });

    it('answers message_not_found for a ts it never posted', async () => {
      expect(
        await slackError(client.chat.update({ channel: 'C1', ts: '9.000001', text: 'x' })),
      ).toBe('message_not_found');
    });
  });

  it('rejects methods it does not emulate with unknown_method', async () => {
    expect(await slackError(client.apiCall('reactions.add', { name: 'x' }))).toBe('unknown_method');
    expect(fake.callsTo('reactions.add')).toHaveLength(1);
  });

  it("answers unknown_method for a name only JavaScript's objects have", async () => {
    expect(await slackError(client.apiCall('constructor'))).toBe('unknown_method');
    expect(await slackError(client.apiCall('hasOwnProperty'))).toBe('unknown_method');
  });

  it('opens Socket Mode sockets for an app-level token only, each with its own ticket', async () => {
    expect(await slackError(client.apps.connections.open())).toBe('unknown_method'); // no server
    const sm = await startFakeSlack({ socketModeUrl: 'ws://127.0.0.1:9/link/' });
    try {
      const open = (token: string) =>
        new WebClient(token, { slackApiUrl: sm.url, retryConfig: { retries: 0 } }).apps.connections
          .open()
          .then((r) => r.url);
      expect(await slackError(open('xoxb-bot'))).toBe('not_allowed_token_type');
      expect(await open('xapp-1-A1-2-x')).toBe('ws://127.0.0.1:9/link/?ticket=1&app_id=AFAKEAPP01');
      expect(await open('xapp-1-A1-2-x')).toBe('ws://127.0.0.1:9/link/?ticket=2&app_id=AFAKEAPP01');
    } finally {
      await sm.close();
    }
  });

  it('answers channel_not_found for an empty channel', async () => {
    expect(await slackError(client.chat.postMessage({ channel: '', text: 'x' }))).toBe(
      'channel_not_found',
    );
  });

  it('fails only the next call with an injected error', async () => {
    fake.failNext('chat.postMessage', 'channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'x' }))).toBe(
      'channel_not_found',
    );
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuses a post to an archived channel, or one the bot was removed from', async () => {
    fake.archiveChannel('C2');
    fake.kickFromChannel('C3');
    expect(await slackError(client.chat.postMessage({ channel: 'C2', text: 'x' }))).toBe(
      'is_archived',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'C3', text: 'x' }))).toBe(
      'not_in_channel',
    );
  });

  it('delivers an injected 429 as a rate-limit error', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await client.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e) => e);
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(err.code).toBe('slack_webapi_rate_limited_error');
  });

  it('answers users.info in Slack shape with the real tz offset', async () => {
    const res = await client.users.info({ user: 'U1', include_locale: true });
    expect(res.user).toMatchObject({
      id: 'U1',
      team_id: 'T123',
      name: 'ana',
      real_name: 'Ana Lima',
      tz: 'Asia/Kolkata',
      tz_label: 'India Standard Time',
      tz_offset: 19800,
      locale: 'pt-BR',
      profile: { display_name: 'ana', real_name: 'Ana Lima' },
      is_bot: false,
      deleted: false,
    });
    const bo = await client.users.info({ user: 'U2' });
    expect(bo.user).toMatchObject({ real_name: 'bo', tz_offset: 0 });
    expect(bo.user?.locale).toBeUndefined();
    expect(await slackError(client.users.info({ user: 'U404' }))).toBe('user_not_found');
  });

  describe('modals', () => {
    const view = {
      type: 'modal' as const,
      callback_id: 'amend_new',
      private_metadata: '{"c":"C1"}',
      title: { type: 'plain_text' as const, text: 'New amend' },
      submit: { type: 'plain_text' as const, text: 'Save' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'x' } }],
    };
    const open = () => client.views.open({ trigger_id: '123.456.abc', view });

    it('opens a modal in Slack shape', async () => {
      const opened = await open();
      expect(opened.view).toMatchObject({
        team_id: 'T123',
        type: 'modal',
        callback_id: 'amend_new',
        private_metadata: '{"c":"C1"}',
        state: { values: {} },
        title: view.title,
        blocks: view.blocks,
        bot_id: 'BBOT',
      });
      const id = opened.view?.id as string;
      expect(id).toMatch(/^V/);
      expect(opened.view?.root_view_id).toBe(id);
      expect(fake.views.get(id)?.callback_id).toBe('amend_new');
    });

    it('updates a modal with its hash, giving it a new hash', async () => {
      const opened = await open();
      const id = opened.view?.id as string;
      const updated = await client.views.update({
        view_id: id,
        hash: opened.view?.hash as string,
        view: { ...view, title: { type: 'plain_text', text: 'Edited' } },
      });
      expect(updated.view).toMatchObject({ id, title: { text: 'Edited' } });
      expect(updated.view?.hash).not.toBe(opened.view?.hash);
    });

    it('refuses an update with a stale hash (hash_conflict)', async () => {
      const id = (await open()).view?.id as string;
      expect(await slackError(client.views.update({ view_id: id, hash: 'stale', view }))).toBe(
        'hash_conflict',
      );
    });
  });

  it('records response_url posts', async () => {
    const got = new Promise((resolve) => fake.once('response', resolve));
    const res = await fetch(`${fake.responseUrlBase}T123/1/abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    await expect(got).resolves.toMatchObject({ path: 'T123/1/abc', body: { text: 'done' } });
    expect(fake.responses).toHaveLength(1);
  });
});

describe('fakeSlack files (the upload flow of files.uploadV2)', () => {
  const bytes = Buffer.from('client,step\r\nAcme,Own up\r\n\u00e9\u00e0\u00ef\r\n', 'utf8');

  it("uploads a file into a thread with a real WebClient's files.uploadV2", async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'case' });
    const parentTs = parent.ts as string;
    const res = await client.files.uploadV2({
      channel_id: 'C1',
      thread_ts: parentTs,
      file: bytes,
      filename: 'acme.csv',
      title: 'Acme outcomes',
      initial_comment: 'The export you asked for',
    });
    expect(res.ok).toBe(true);

    // The three steps, in uploadV2's order: reserve, POST the bytes (not a Web API call), complete.
    expect(fake.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(fake.callsTo('files.getUploadURLExternal')[0]?.args).toMatchObject({
      filename: 'acme.csv',
      length: String(bytes.length),
    });
    const completeArgs = fake.callsTo('files.completeUploadExternal')[0]?.args;
    expect(completeArgs).toMatchObject({
      channel_id: 'C1',
      thread_ts: parentTs,
      initial_comment: 'The export you asked for',
    });

    // The bytes arrived intact, and where they were shared is stored.
    expect(fake.files).toHaveLength(1);
    const stored = fake.files[0];
    expect(stored).toMatchObject({
      filename: 'acme.csv',
      title: 'Acme outcomes',
      channel: 'C1',
      thread_ts: parentTs,
      initial_comment: 'The export you asked for',
      mimetype: 'text/csv',
    });
    expect(stored?.id).toMatch(/^F[A-Z0-9]+$/);
    expect(stored?.content.equals(bytes)).toBe(true);

    // uploadV2 answers with the completions: Slack's file objects.
    const completions = (res as unknown as { files: { files: Record<string, unknown>[] }[] }).files;
    expect(completions[0]?.files[0]).toMatchObject({
      id: stored?.id,
      title: 'Acme outcomes',
      name: 'acme.csv',
      size: bytes.length,
      mimetype: 'text/csv',
      filetype: 'csv',
      user: 'UBOT',
      channels: ['C1'],
    });

    // A file-share message in the thread, as Slack posts it; the parent counts it as a reply.
    const thread = await client.conversations.replies({ channel: 'C1', ts: parentTs });
    expect(thread.messages).toHaveLength(2);
    const share = thread.messages?.[1] as Record<string, unknown> & {
      files?: { id?: string; name?: string; url_private?: string }[];
    };
    expect(share).toMatchObject({
      type: 'message',
      subtype: 'file_share',
      upload: true,
      user: 'UBOT',
      text: 'The export you asked for',
      thread_ts: parentTs,
    });
    expect(share.files?.map((f) => [f.id, f.name])).toEqual([[stored?.id, 'acme.csv']]);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: share.ts });
    expect(stored?.message_ts).toBe(share.ts);

    // url_private serves the bytes to a caller with a token, as Slack's does.
    const url = share.files?.[0]?.url_private as string;
    expect((await fetch(url)).status).toBe(404);
    const got = await fetch(url, { headers: { authorization: 'Bearer xoxb-test' } });
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  });

  describe('a file sent as raw bytes, completed without a channel', () => {
    /** Reserves notes.txt, POSTs 'hello' to its upload URL as a raw body, completes it unshared. */
    async function rawUpload() {
      const ticket = await client.files.getUploadURLExternal({ filename: 'notes.txt', length: 5 });
      const put = await fetch(ticket.upload_url as string, { method: 'POST', body: 'hello' });
      const putAnswer = { status: put.status, text: await put.text() };
      const done = await client.files.completeUploadExternal({
        files: [{ id: ticket.file_id as string }],
      });
      return { ticket, putAnswer, done };
    }

    it('takes raw bytes at the upload URL', async () => {
      const { ticket, putAnswer } = await rawUpload();
      expect(ticket).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/) });
      expect(ticket.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/v1\//);
      expect(putAnswer).toEqual({ status: 200, text: 'OK - 5' });
      expect(fake.files[0]?.content.toString()).toBe('hello');
    });

    it('keeps the file private: shared in no channel, with no message', async () => {
      const { ticket, done } = await rawUpload();
      expect(done.files?.[0]).toMatchObject({
        id: ticket.file_id,
        title: 'notes.txt',
        channels: [],
      });
      expect(fake.files[0]).toMatchObject({ channel: null, filename: 'notes.txt' });
      expect(fake.messages).toEqual([]);
    });
  });

  it('answers file_not_found for an unknown, unuploaded or already completed file', async () => {
    const unknown = client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }] });
    expect(await slackError(unknown)).toBe('file_not_found');

    const ticket = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 1 });
    const id = ticket.file_id as string;
    // Completed before its bytes arrived.
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id }] }))).toBe(
      'file_not_found',
    );
    await fetch(ticket.upload_url as string, { method: 'POST', body: 'x' });
    await client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C1' });
    // "This method can only be called once."
    expect(
      await slackError(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C1' })),
    ).toBe('file_not_found');
    expect(fake.files).toHaveLength(1);
    expect(fake.messages).toHaveLength(1);
    // The upload URL is spent too.
    expect((await fetch(ticket.upload_url as string, { method: 'POST', body: 'y' })).status).toBe(
      404,
    );
  });

  describe('an upload to a channel the bot is not in (C3) or an archived one (C4)', () => {
    const upload = (channel_id: string) =>
      client.files.uploadV2({ channel_id, file: bytes, filename: 'acme.csv' });
    /** The errors of an upload to C3, then to C4, once the bot left C3 and C4 was archived. */
    async function refused() {
      fake.kickFromChannel('C3');
      fake.archiveChannel('C4');
      return [await slackError(upload('C3')), await slackError(upload('C4'))];
    }

    it('is refused as chat.postMessage refuses it', async () => {
      expect(await refused()).toEqual(['not_in_channel', 'is_archived']);
    });

    it('stores no file, nor any message', async () => {
      await refused();
      expect(fake.files).toEqual([]);
      expect(fake.messages).toEqual([]);
    });

    it('is taken once the bot is invited back', async () => {
      await refused();
      fake.inviteToChannel('C3');
      await expect(upload('C3')).resolves.toMatchObject({ ok: true });
      expect(fake.files.map((f) => f.channel)).toEqual(['C3']);
    });
  });

  it('refuses getUploadURLExternal without a filename (invalid_arguments)', async () => {
    expect(await slackError(client.apiCall('files.getUploadURLExternal', { length: 3 }))).toBe(
      'invalid_arguments',
    );
  });

  it('refuses getUploadURLExternal sent as JSON: it takes a form, as Slack does', async () => {
    const json = await fetch(`${fake.url}files.getUploadURLExternal`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a.txt', length: 3 }),
    });
    expect(await json.json()).toEqual({ ok: false, error: 'invalid_arguments' });
  });
});

describe('fakeSlack shared channels', () => {
  const flags = async (channel: string) => {
    const res = await client.conversations.info({ channel });
    const c = res.channel ?? {};
    return [c.is_shared, c.is_ext_shared, c.is_org_shared, c.is_pending_ext_shared];
  };

  it("reports Slack's sharing flags in conversations.info: none by default, then as shared", async () => {
    expect(await flags('C1')).toEqual([false, false, false, false]);
    fake.shareChannel('C1', 'pending');
    expect(await flags('C1')).toEqual([false, false, false, true]);
    fake.shareChannel('C1', 'ext');
    expect(await flags('C1')).toEqual([true, true, false, false]);
    fake.shareChannel('C1', 'org');
    expect(await flags('C1')).toEqual([true, false, true, false]);
    expect(fake.sharingOf('C1')).toBe('org');
    // Other channels are untouched, and `none` unshares.
    expect(await flags('C2')).toEqual([false, false, false, false]);
    fake.shareChannel('C1', 'none');
    expect(await flags('C1')).toEqual([false, false, false, false]);
    fake.shareChannel('C2', 'ext');
    fake.reset();
    expect(await flags('C2')).toEqual([false, false, false, false]);
  });
});

describe('fakeSlack with two workspaces', () => {
  let two: FakeSlack;
  /** A client for workspace One's token, and one for workspace Two's. */
  let one: WebClient;
  let other: WebClient;
  const home = { type: 'home' as const, blocks: [] };

  beforeEach(async () => {
    two = await startFakeSlack({
      teamId: 'T0ONE0001',
      teamName: 'One',
      users: [{ id: 'U0ANA0001', name: 'ana', tz: 'UTC' }],
      channels: [{ id: 'C0ONE0001', name: 'general' }],
      workspaces: [
        {
          id: 'T0TWO0001',
          name: 'Two',
          users: [{ id: 'U0BO00001', name: 'bo', tz: 'UTC' }],
          channels: [{ id: 'C0TWO0001', name: 'general' }],
        },
      ],
    });
    one = new WebClient('xoxb-T0ONE0001-1', { slackApiUrl: two.url, retryConfig: { retries: 0 } });
    other = new WebClient('xoxb-T0TWO0001-2', {
      slackApiUrl: two.url,
      retryConfig: { retries: 0 },
    });
  });
  afterEach(async () => {
    await two.close();
  });

  it('answers each token as its own workspace', async () => {
    expect((await other.auth.test()).team_id).toBe('T0TWO0001');
    expect((await one.auth.test()).team).toBe('One');
    expect((await other.users.info({ user: 'U0BO00001' })).user?.team_id).toBe('T0TWO0001');
  });

  it('refuses a post to the other workspace’s channel, storing only its own', async () => {
    expect((await other.chat.postMessage({ channel: 'C0TWO0001', text: 'hi' })).ok).toBe(true);
    expect(await slackError(other.chat.postMessage({ channel: 'C0ONE0001', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(two.messages.map((m) => m.channel)).toEqual(['C0TWO0001']);
  });

  it('refuses the other workspace’s people: their profile, or a DM to them', async () => {
    expect(await slackError(other.users.info({ user: 'U0ANA0001' }))).toBe('user_not_found');
    expect(await slackError(one.chat.postMessage({ channel: 'U0BO00001', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(two.messages).toEqual([]);
  });

  it('refuses to publish a home to the other workspace’s person', async () => {
    expect(await slackError(one.views.publish({ user_id: 'U0BO00001', view: home }))).toBe(
      'user_not_found',
    );
  });

  it('refuses to update the other workspace’s view', async () => {
    const published = await other.views.publish({ user_id: 'U0BO00001', view: home });
    expect(published.view?.team_id).toBe('T0TWO0001');
    expect(
      await slackError(one.views.update({ view_id: published.view?.id ?? '', view: home })),
    ).toBe('not_found');
  });
});
