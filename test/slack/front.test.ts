import { afterEach, describe, expect, it } from 'vitest';
import { interactionBody, postSigned, sign } from '../../src/sandbox/slackRequests.js';
import {
  type AppReply,
  type Forwarded,
  type FrontOptions,
  SlackFront,
} from '../../src/slack/front.js';

const SECRET = 'front-test-secret-0123456789';

/** The front with a stand-in app that records what it was handed and answers when told to. */
async function startFront(o: Partial<FrontOptions> = {}) {
  const got: Forwarded[] = [];
  const logs: string[] = [];
  const front = new SlackFront(
    { signingSecret: SECRET, log: (m) => void logs.push(m), ...o },
    (req) => void got.push(req),
  );
  const port = await front.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  return {
    front,
    got,
    logs,
    base,
    post: (body: string, contentType?: string, headers?: Record<string, string>) =>
      postSigned(`${base}/slack/events`, SECRET, body, contentType, headers),
    reply: (r: AppReply) => front.reply(r),
  };
}
type Front = Awaited<ReturnType<typeof startFront>>;

const command = 'command=%2Fincident&text=Acme%3A+late&team_id=T0AMENDS1&user_id=U0MARIA01';
const submission = interactionBody({
  type: 'view_submission',
  team: { id: 'T0AMENDS1' },
  user: { id: 'U0MARIA01' },
  view: { id: 'V1', callback_id: 'amends_open' },
});
const click = interactionBody({ type: 'block_actions', team: { id: 'T0AMENDS1' }, actions: [] });

const until = async (fn: () => boolean, what: string) => {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the front (Slack’s endpoint)', () => {
  let f: Front | null = null;
  afterEach(async () => {
    await f?.front.close();
    f = null;
  });

  it('answers a command 200 at once and hands the parsed payload on', async () => {
    f = await startFront();
    const r = await f.post(command);
    expect(r).toEqual({ status: 200, text: '' });
    expect(f.got).toHaveLength(1);
    expect(f.got[0]).toMatchObject({
      waitsForAck: false,
      body: { command: '/incident', text: 'Acme: late', team_id: 'T0AMENDS1' },
    });
    expect(f.front.inFlight).toBe(1);
    f.reply({ type: 'done', id: f.got[0]?.id ?? 0 });
    expect(f.front.inFlight).toBe(0);
  });

  it('passes Slack’s retry headers on', async () => {
    f = await startFront();
    await f.post('{"type":"event_callback","event":{}}', 'application/json', {
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(f.got[0]).toMatchObject({ retryNum: 2, retryReason: 'http_timeout' });
  });

  it('refuses a forged, a stale or an unsigned request, and hands nothing on', async () => {
    f = await startFront();
    const forged = await postSigned(`${f.base}/slack/events`, 'not-the-secret', command);
    const stale = await postSigned(
      `${f.base}/slack/events`,
      SECRET,
      command,
      undefined,
      {},
      Math.floor(Date.now() / 1000) - 6 * 60,
    );
    const unsigned = await fetch(`${f.base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: command,
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(f.got).toEqual([]);
  });

  it('refuses a body over the limit with 413 and a malformed one with 400', async () => {
    f = await startFront({ bodyLimit: 1024 });
    const huge = await f.post(`command=%2Fincident&text=${'x'.repeat(5000)}`);
    expect(huge.status).toBe(413);
    const malformed = await f.post('payload=%7Bnot-json');
    expect(malformed.status).toBe(400);
    expect(f.got).toEqual([]);
  });

  it('answers Slack’s URL verification and SSL check itself', async () => {
    f = await startFront();
    const challenge = await f.post(
      JSON.stringify({ type: 'url_verification', challenge: 'c-123' }),
      'application/json',
    );
    expect(JSON.parse(challenge.text)).toEqual({ challenge: 'c-123' });
    const ssl = await f.post('ssl_check=1&token=x');
    expect(ssl.status).toBe(200);
    expect(f.got).toEqual([]);
  });

  it('serves /healthz and 404 elsewhere', async () => {
    f = await startFront();
    expect((await fetch(`${f.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${f.base}/slack/events`)).status).toBe(404);
    expect((await fetch(`${f.base}/nope`, { method: 'POST' })).status).toBe(404);
  });

  it('a modal submission is answered with the app’s ack (e.g. validation errors)', async () => {
    f = await startFront();
    const pending = f.post(submission);
    await until(() => f?.got.length === 1, 'forwarded');
    const id = f.got[0]?.id ?? 0;
    expect(f.got[0]?.waitsForAck).toBe(true);
    const errors = { response_action: 'errors', errors: { client: 'Required' } };
    f.reply({ type: 'ack', id, body: errors });
    f.reply({ type: 'ack', id, body: { response_action: 'clear' } }); // a second ack changes nothing
    const r = await pending;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual(errors);
    f.reply({ type: 'done', id });
    expect(f.front.inFlight).toBe(0);
  });

  it('a submission the app never acks gets 404 in time; one it fails on gets 500 (401 unauthorised)', async () => {
    f = await startFront({ ackTimeoutMs: 100 });
    const t0 = Date.now();
    const late = await f.post(submission);
    expect(late.status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(2000);
    const failing = f.post(submission);
    await until(() => f?.got.length === 2, 'forwarded');
    f.reply({ type: 'failed', id: f.got[1]?.id ?? 0, unauthorized: false, message: 'boom' });
    expect((await failing).status).toBe(500);
    const refused = f.post(submission);
    await until(() => f?.got.length === 3, 'forwarded');
    f.reply({ type: 'failed', id: f.got[2]?.id ?? 0, unauthorized: true, message: 'no install' });
    expect((await refused).status).toBe(401);
    // A reply about a request nobody knows changes nothing.
    f.reply({ type: 'done', id: 999 });
  });

  it('under overload the next ack waits for a slot, and never longer than maxWaitMs', async () => {
    f = await startFront({ maxInFlight: 1, maxWaitMs: 300 });
    expect((await f.post(command)).status).toBe(200);
    let second: number | null = null;
    const t0 = Date.now();
    const pending = f.post(click).then((r) => {
      second = Date.now() - t0;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(second).toBeNull(); // still waiting: the first one holds the only slot
    f.reply({ type: 'done', id: f.got[0]?.id ?? 0 });
    expect((await pending).status).toBe(200);
    expect(second).toBeLessThan(300);
    // Now the slot is taken by the second; a third waits maxWaitMs, then is answered anyway.
    const t1 = Date.now();
    expect((await f.post(click)).status).toBe(200);
    const waited = Date.now() - t1;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2000);
    expect(f.got).toHaveLength(3);
  });

  it('signs exactly like Slack: a request signed over a different body is refused', async () => {
    f = await startFront();
    const ts = Math.floor(Date.now() / 1000);
    const r = await fetch(`${f.base}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(SECRET, ts, command),
      },
      body: `${command}&user_id=U0SOMEONE`,
    });
    expect(r.status).toBe(401);
    expect(f.got).toEqual([]);
  });
});
