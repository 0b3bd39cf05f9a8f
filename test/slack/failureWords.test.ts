/**
 * Every failure tells the truth in the person's words: a form that could not open, storage that
 * failed, Slack busy or silent; and a request no listener handles is answered at once.
 */
import { describe, expect, it } from 'vitest';
import { ca } from '../../src/i18n/ca.js';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import { it as itCatalog } from '../../src/i18n/it.js';
import type { FailureSpec } from '../../src/sandbox/fakeSlack.js';
import { interactionBody, postSigned } from '../../src/sandbox/slackRequests.js';
import { isStorageFailure } from '../../src/services/ports.js';
import { STORAGE_FAILED } from '../../src/services/presenter.js';
import { notShown } from '../../src/slack/errors.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, MARIA, TEAM, testEngine } from '../helpers/harness.js';
import {
  clickPayload,
  command,
  countCases,
  countEvents,
  fresh,
  input,
  NIKOS,
  nextView,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  submitPayload,
  useHarness,
} from '../helpers/slack.js';
import { failEveryWrite, fillTheDisk, readOnly } from '../store/database.js';

const told = (h: { fake: { responses: { body: { text?: string } }[] } }) =>
  h.fake.responses.map((r) => r.body.text);

describe('a bare /incident whose form Slack will not open', () => {
  const ctx = useHarness();

  it.each<[string, FailureSpec, string]>([
    ['an HTML 502 from a proxy', { status: 502, html: true }, en.errors.form.silent],
    ['429 with Retry-After', { status: 429, retryAfter: 30 }, en.errors.form.busy],
    ['{ok:false, error:"fatal_error"}', 'fatal_error', en.errors.form.silent],
    ['{ok:false, error:"expired_trigger_id"}', 'expired_trigger_id', en.errors.form.failed],
  ])(
    '%s: the person is told privately that the form did not open',
    async (_n, failure, sentence) => {
      const { h } = ctx;
      h.fake.failNext('views.open', failure);
      const r = await command(h, '');
      expect(r).toEqual({ status: 200, text: '' });
      expect(h.fake.callsTo('views.open')).toHaveLength(1);
      expect(told(h)).toEqual([sentence]);
      expect(await countCases(h)).toBe(0);
    },
  );

  it('in their own language (a first-time user whose Slack speaks Greek)', async () => {
    const { h } = ctx;
    h.fake.failNext('views.open', { status: 502, html: true });
    await command(h, '', { user: NIKOS });
    expect(told(h)).toEqual([el.errors.form.silent]);
  });

  it('a second try opens the form', async () => {
    const { h } = ctx;
    h.fake.failNext('views.open', { status: 429, retryAfter: 30 });
    await command(h, '');
    await command(h, '');
    expect(h.fake.callsTo('views.open')).toHaveLength(2);
    expect(told(h)).toEqual([en.errors.form.busy]);
    expect([...h.fake.views.values()].map((v) => v.callback_id)).toEqual([VIEW.open]);
  });
});

describe('a button whose form Slack will not open', () => {
  const ctx = useHarness();

  it('says so in plain words (no internal code), leaving the step as it was', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    h.fake.failNext('views.open', { status: 502, html: true });
    expect((await press(h, o.parent, ACTION.outline, { step: 'outline' })).status).toBe(200);
    expect(h.fake.ephemerals.map((e) => e.text)).toEqual([en.errors.form.silent]);
    expect(stepOf(await fresh(h, o.c), 'outline').status).toBe('pending');
  });
});

describe('requests no listener handles are answered at once', () => {
  const ctx = useHarness();

  it('a click on a button this version does not know: 200, nothing stored, nothing sent', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const events = await countEvents(h);
    const calls = h.fake.calls.length;
    const r = await postSigned(
      h.url,
      h.secret,
      interactionBody(
        clickPayload(
          h,
          { action_id: 'amends_from_an_older_version', value: '1|1' },
          {
            message: o.parent,
          },
        ),
      ),
    );
    expect(r).toEqual({ status: 200, text: '' });
    expect(await countEvents(h)).toBe(events);
    expect(h.fake.calls.length).toBe(calls);
    expect(h.fake.responses).toEqual([]);
  });

  it('a form this version does not know: 200 (the modal closes), nothing stored', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const events = await countEvents(h);
    const calls = h.fake.calls.length;
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.outline, { step: 'outline' });
    const view = await nextView(h, VIEW.outline, n);
    const r = await submit(
      h,
      { ...view, callback_id: 'amends_form_from_an_older_version' },
      input.text('happened', 'Wrong pallets loaded.'),
    );
    expect(r).toEqual({ status: 200, text: '' });
    expect(await countEvents(h)).toBe(events);
    expect(h.fake.calls.length).toBe(calls + 1); // the views.open of the form itself
    expect((await fresh(h, o.c)).outline).toBeNull();
  });

  const clickWithout = (
    h: Parameters<typeof clickPayload>[0],
    drop: (p: Record<string, unknown>) => void,
  ) => {
    const p = clickPayload(h, { action_id: ACTION.refused, value: '1|1' });
    drop(p);
    return postSigned(h.url, h.secret, interactionBody(p));
  };

  it.each<[string, (p: Record<string, unknown>) => void]>([
    ['a click without its user', (p) => delete p.user],
    [
      'a click whose user has no id',
      (p) => {
        p.user = {};
      },
    ],
    ['a click without actions', (p) => delete p.actions],
    [
      'a click with an empty list of actions',
      (p) => {
        p.actions = [];
      },
    ],
  ])('%s → 400 at once (not a 500, not a 404 after 3 s), nothing stored', async (_n, drop) => {
    const { h } = ctx;
    await openCase(h);
    const events = await countEvents(h);
    const calls = h.fake.calls.length;
    const r = await clickWithout(h, drop);
    expect(r.status).toBe(400);
    expect(await countEvents(h)).toBe(events);
    expect(h.fake.calls.length).toBe(calls);
  });

  it('a form submission without its user or its view → 400, nothing stored', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.outline, { step: 'outline' });
    const view = await nextView(h, VIEW.outline, n);
    const events = await countEvents(h);
    for (const key of ['user', 'view']) {
      const p = submitPayload(view, input.text('happened', 'x'));
      delete p[key];
      expect((await postSigned(h.url, h.secret, interactionBody(p))).status).toBe(400);
    }
    expect(await countEvents(h)).toBe(events);
  });
});

// SQLite only: makes SQLite's own storage fail.
describe.skipIf(testEngine() === 'postgres')('storage that fails', () => {
  const ctx = useHarness();

  it('a full disk while a case is opened: the person reads that Amends could not save it', async () => {
    const { h } = ctx;
    ctx.allowUnexpected = true;
    await openCase(h); // the database as it is in use
    // The database may not grow by a page: what a full disk does to a write.
    const grow = fillTheDisk(h.amends.store);
    // Two pages' worth of text (Greek letters take two bytes each): it cannot fit in free space.
    const r = await command(h, `Beta: ${'λάθος παλέτες. '.repeat(260)}`);
    grow();
    expect(JSON.parse(r.text)).toEqual({ response_type: 'ephemeral', text: en.errors.notSaved });
    expect(await countCases(h)).toBe(1);
    expect(h.logs.find((l) => l.msg === 'could not save')?.extra?.storage).toBe('SQLITE_FULL');
  });

  it('a form submitted while the database is read-only: the modal says nothing was saved', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.close);
    const view = await nextView(h, VIEW.close, n);
    const writable = readOnly(h.amends.store);
    const r = await submit(h, view, input.radio('outcome', 'won_back'));
    writable();
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors)).toEqual([en.errors.notSaved]);
    expect((await fresh(h, o.c)).status).toBe('open');
  });

  /** Slack takes the parent; then the database refuses to record its ts. */
  const postedThenStorageFails = async () => {
    const { h } = ctx;
    ctx.allowUnexpected = true;
    let refill = () => {};
    const full = (m: { metadata?: { event_type?: string } }) => {
      if (m.metadata?.event_type === 'amends_case') refill = failEveryWrite(h.amends.store);
    };
    h.fake.on('message', full);
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
    refill();
    h.fake.off('message', full);
    const parents = () => h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case');
    return { h, parents };
  };

  it('storage failing once the case is posted: the storage words, not "Slack refused"', async () => {
    const { h, parents } = await postedThenStorageFails();
    expect(told(h)).toEqual([en.errors.notShown.storage]);
    expect(await countCases(h)).toBe(1);
    expect(parents()).toHaveLength(1);
  });

  it('storage failing once the case is posted: the sweep finishes it once', async () => {
    const { h, parents } = await postedThenStorageFails();
    expect(parents()).toHaveLength(1);
    h.clock.advance(61_000);
    expect((await h.amends.publishPending({ olderThanMs: 60_000 })).posted).toBe(1);
    expect(parents()).toHaveLength(1); // found in the channel, not posted again
    const [c] = await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    expect(c?.messageTs).toBe(parents()[0]?.ts);
    expect(replies(h, parents()[0]?.ts ?? '')).toHaveLength(1);
  });

  it('tells storage failures from other database errors', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_BUSY', 'SQLITE_READONLY'])
      expect(isStorageFailure(err(code)), code).toBe(true);
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR'])
      expect(isStorageFailure(err(code)), code).toBe(false);
    // PostgreSQL: its SQLSTATE classes of a database that could not do the work (53100 disk full,
    // 57P01 shut down, 08006 connection lost, 40001 serialization), and a server out of reach.
    for (const code of ['53100', '57P01', '08006', '40001', 'XX000', 'ECONNREFUSED', 'ECONNRESET'])
      expect(isStorageFailure(err(code)), code).toBe(true);
    // A unique violation, a syntax error, an undefined column: mistakes, not storage.
    for (const code of ['23505', '42601', '42703', '22P02'])
      expect(isStorageFailure(err(code)), code).toBe(false);
    expect(isStorageFailure(null)).toBe(false);
  });
});

describe('a saved case not in its channel yet, said in plain words', () => {
  it('maps what happened onto what is true in that path', () => {
    const s = en.errors.notShown;
    expect(notShown('http_502', en)).toBe(s.silent);
    expect(notShown('request_error', en)).toBe(s.silent);
    expect(notShown('fatal_error', en)).toBe(s.silent);
    expect(notShown('ratelimited', en)).toBe(s.busy);
    expect(notShown('is_archived', en)).toBe(s.blocked);
    expect(notShown('invalid_auth', en)).toBe(s.access);
    expect(notShown(STORAGE_FAILED, en)).toBe(s.storage);
    expect(notShown(null, en)).toBe(s.later);
    expect(notShown('in_progress', en)).toBe(s.later);
    expect(notShown('not_in_channel', en)).toBe(en.errors.notInChannel);
  });

  it('no sentence shows an internal code, in any language', () => {
    for (const cat of [en, itCatalog, el, ca]) {
      const all = [...Object.values(cat.errors.notShown), ...Object.values(cat.errors.form)];
      for (const text of all) expect(text).not.toMatch(/\b[a-z]+_[a-z0-9_]+\b|\(error\)/);
    }
  });
});
