/**
 * Issue #23's walk, repeated as a user would: five cases through the real app (signed requests to
 * the real receiver, the fake Slack's record, the injected clock) from Monday 7 December 2026 to
 * Monday 15 March 2027, with HOLIDAYS=IT, one case each in Italian, English, Greek and Catalan plus
 * one more in English from New York. Each assertion is one of the issue's defects not being there.
 * Ticks every hour of injected time (the engine's posts land on the hour of working time).
 * WALK_DUMP=/tmp/walk.txt writes every parent and thread post at each phase, for a person to read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import { it as itCat } from '../../src/i18n/it.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { interactionBody, postSigned, triggerId } from '../../src/sandbox/slackRequests.js';
import { ReportService } from '../../src/services/reports.js';
import { ACTION, INPUT, SHORTCUT, VIEW } from '../../src/slack/ids.js';
import { mentionLeaks, shapeProblems } from '../helpers/blockKit.js';
import { CHANNEL, type Harness, MARIA, present, startHarness, TEAM } from '../helpers/harness.js';
import {
  blockById,
  book,
  caseWithTs,
  click,
  command,
  elementIn,
  eventEnvelope,
  fresh,
  input,
  isParent,
  JOAN,
  NIKOS,
  nextView,
  type Opened,
  openCase,
  postEvent,
  press,
  replies,
  submit,
  unexpectedErrors,
} from '../helpers/slack.js';

const GIULIA = 'U0GIULIA1';
const JORDI = 'U0JORDI01';

let h: Harness;
const cases: Record<'it' | 'en' | 'el' | 'ca' | 'ny', Opened> = {} as never;

type Json = Record<string, unknown>;
const postedAt = (m: StoredMessage): Date => new Date(Number(m.ts.split('.')[0]) * 1000);
const localDay = (d: Date, tz: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(d);
const parentOf = (o: Opened) => h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
const threadOf = (o: Opened) => replies(h, o.parent.ts);
const text = (m: { blocks?: unknown[]; text?: string } | undefined) =>
  `${m?.text ?? ''}\n${JSON.stringify(m?.blocks ?? [])}`;
const lineOf = (o: Opened, blockId: string) =>
  JSON.stringify(blockById(parentOf(o), blockId) ?? null);

/** Moves the injected clock in steps, ticking at each, as cron would (no sleeping). */
async function tickUntil(iso: string, minutes = 60): Promise<void> {
  const end = new Date(iso).getTime();
  while (h.clock.now().getTime() < end) {
    h.clock.set(new Date(Math.min(end, h.clock.now().getTime() + minutes * 60_000)).toISOString());
    await h.amends.reminders.tick();
  }
}

async function redraw(o: Opened): Promise<void> {
  await h.amends.presenter.refresh(await fresh(h, o.c));
}

/** Picks `choice` in the parent's overflow menu, then waits for the form it opens. */
async function menu(o: Opened, choice: string, callbackId: string, user = MARIA) {
  const parent = parentOf(o);
  const m = elementIn(parent, 'case_actions', ACTION.caseMenu) as { options: { value: string }[] };
  const opt = m.options.find((x) => x.value.endsWith(`|${choice}`));
  if (!opt) throw new Error(`no menu option ${choice}`);
  const n = h.fake.callsTo('views.open').length;
  await click(
    h,
    {
      action_id: ACTION.caseMenu,
      block_id: 'case_actions',
      type: 'overflow',
      selected_value: opt.value,
    },
    { message: structuredClone(parent), user },
  );
  return nextView(h, callbackId, n);
}

const caseValue = async (o: Opened) => {
  const c = await fresh(h, o.c);
  return `${c.id}|${c.version}`;
};

/** A dump of everything the fake Slack holds for each case, for a person to read (WALK_DUMP=file). */
function dump(phase: string): void {
  const file = process.env.WALK_DUMP;
  if (!file) return;
  let out = `\n\n######## ${phase}\n`;
  for (const [k, o] of Object.entries(cases)) {
    const p = parentOf(o);
    out += `\n==== ${k} parent\n${mrkdwn(p)}\n---- thread\n`;
    for (const m of threadOf(o))
      out += `[${postedAt(m).toISOString()} ${String(m.metadata?.event_payload?.kind ?? '')}] ${mrkdwn(m)}\n`;
  }
  let prev = '';
  try {
    prev = readFileSync(file, 'utf8');
  } catch {}
  writeFileSync(file, prev + out);
}
function mrkdwnOf(blocks: unknown[] | undefined): string {
  return mrkdwn({ blocks } as StoredMessage);
}
function mrkdwn(m: StoredMessage): string {
  const acc: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (typeof o.text === 'string') acc.push(o.text);
      if (typeof o.initial_value === 'string') acc.push(`[${o.initial_value}]`);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(m.blocks ?? []);
  return acc.length ? acc.join(' | ') : (m.text ?? '');
}

const FIXTURE = new URL('../fixtures/slack/message_action.json', import.meta.url);

/** Jordi says it in the channel; Jordi opens a case from that message with the message shortcut. */
async function fromMessage(said: string): Promise<Opened> {
  const sec = Math.floor(h.clock.now().getTime() / 1000) - 600;
  const msg: StoredMessage = {
    type: 'message',
    channel: CHANNEL,
    ts: `${sec}.000777`,
    text: said,
    user: NIKOS,
    bot_id: '',
  };
  h.fake.messages.push(msg);
  const p = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;
  const n = h.fake.callsTo('views.open').length;
  await postSigned(
    h.url,
    h.secret,
    interactionBody({
      ...p,
      team: { ...(p.team as Json), id: TEAM },
      user: { ...(p.user as Json), id: JORDI, team_id: TEAM },
      channel: { id: CHANNEL, name: 'general' },
      callback_id: SHORTCUT.fromMessage,
      trigger_id: triggerId(),
      message_ts: msg.ts,
      message: { ...(p.message as Json), ts: msg.ts, text: said, user: NIKOS, team: TEAM },
      response_url: `${h.fake.responseUrlBase}shortcut`,
    }),
  );
  const view = await nextView(h, VIEW.open, n);
  const summary = (blockById(view, INPUT.summary)?.element ?? {}) as { initial_value?: string };
  expect(summary.initial_value).toContain('factures');
  const seen = new Set(h.fake.messages.map((m) => m.ts));
  const r = await submit(
    h,
    view,
    {
      ...input.text(INPUT.client, 'Forns Puig'),
      ...input.text(INPUT.summary, summary.initial_value ?? said),
      ...input.select(INPUT.severity, 'major'),
      ...input.user(INPUT.owner, JORDI),
    },
    { user: JORDI },
  );
  expect(r.status).toBe(200);
  const parent = present(
    () => h.fake.messages.find((m) => !seen.has(m.ts) && m.channel === CHANNEL && isParent(m)),
    'parent of the case from a message',
  );
  const c = await present(() => caseWithTs(h, parent.ts), 'case stored');
  return { c, parent, first: replies(h, parent.ts)[0] as StoredMessage };
}

/** Maria opens the form and fills in a client whose contact is in New York. */
async function openWithClient(): Promise<Opened> {
  const n = h.fake.callsTo('views.open').length;
  await command(h, '', {});
  const view = await nextView(h, VIEW.open, n);
  const seen = new Set(h.fake.messages.map((m) => m.ts));
  const r = await submit(h, view, {
    ...input.text(INPUT.client, 'Northwind Traders'),
    ...input.text(INPUT.summary, 'We invoiced Northwind twice for the November order'),
    ...input.select(INPUT.severity, 'major'),
    ...input.user(INPUT.owner, MARIA),
    ...input.text(INPUT.clientContact, 'Dana Whitfield'),
    ...input.text(INPUT.clientEmail, 'dana@northwind.example'),
    ...input.text(INPUT.clientTz, 'America/New_York'),
    ...input.select(INPUT.clientLang, 'en'),
    ...input.text(INPUT.clientPlace, 'Hudson St 10, New York'),
  });
  expect(r).toEqual({ status: 200, text: '' });
  const parent = present(
    () => h.fake.messages.find((m) => !seen.has(m.ts) && m.channel === CHANNEL && isParent(m)),
    'parent of Northwind',
  );
  const c = await present(() => caseWithTs(h, parent.ts), 'case stored');
  return { c, parent, first: replies(h, parent.ts)[0] as StoredMessage };
}

/** What the walk saw along the way, for the assertions below. */
const seen = {
  meetingHint: '',
  invite: '',
  cancelIcs: '',
  draftBefore: '',
  draftPosted: '',
  draftAfter: '',
  draftIt: '',
  refusedAt: new Date(0),
  reportAfterLoss: null as null | Awaited<ReturnType<ReportService['report']>>,
  homeAfterLoss: '',
  caseSheet: '',
};

/** Opens the draft form of `o` and returns it (and its subject and body fields). */
async function draftOf(o: Opened, user = MARIA) {
  const n = h.fake.callsTo('views.open').length;
  await press(h, parentOf(o), ACTION.draft, { user });
  const v = await nextView(h, VIEW.draft, n);
  const field = (id: string) =>
    ((blockById(v, id)?.element ?? {}) as { initial_value?: string }).initial_value ?? '';
  return { v, subject: field(INPUT.draftSubject), body: field(INPUT.draftBody) };
}

async function walk(): Promise<void> {
  h = await startHarness({ now: '2026-12-07T08:00:00Z', holidays: 'IT' });
  // Monday 7 December, 09:00 in Rome. Five cases, one from a message in the channel.
  cases.it = await openCase(h, 'Ferramenta Conti: consegnati i bancali sbagliati a Torino', {
    user: GIULIA,
  });
  cases.en = await openWithClient();
  cases.el = await openCase(h, 'Kafeneio Athina: λάθος παράδοση καφέ', { user: NIKOS });
  cases.ny = await openCase(h, 'Hudson Books: shipped the order a week late', { user: JOAN });
  cases.ca = await fromMessage(
    'Forns Puig ens diu que les factures de novembre els han arribat duplicades',
  );
  for (const [k, o] of Object.entries(cases))
    if (k !== 'ny') await press(h, parentOf(o), ACTION.done, { step: 'own_up', user: o.c.ownerId });
  for (const k of ['it', 'en', 'el', 'ca'] as const) {
    await h.amends.cases.outline(
      { teamId: TEAM, caseId: cases[k].c.id, actor: cases[k].c.ownerId },
      OUTLINES[k],
    );
    await redraw(cases[k]);
  }
  await book(h, cases.it, '2026-12-09', '11:00');
  await book(h, cases.el, '2026-12-10', '11:00');
  {
    // Northwind: 16:00 in Rome is 10:00 in New York; 90 minutes at the client's usual place.
    const n = h.fake.callsTo('views.open').length;
    await press(h, parentOf(cases.en), ACTION.meeting, { step: 'meeting' });
    const v = await nextView(h, VIEW.meeting, n);
    seen.meetingHint = mrkdwnOf(v.blocks);
    const place = (blockById(v, INPUT.meetingPlace)?.element ?? {}) as { initial_value?: string };
    await submit(h, v, {
      ...input.date(INPUT.meetingDate, '2026-12-10'),
      ...input.time(INPUT.meetingTime, '16:00'),
      ...input.select(INPUT.meetingLength, '90'),
      ...input.text(INPUT.meetingPlace, place.initial_value ?? null),
    });
    seen.invite = h.fake.files.at(-1)?.content.toString('utf8') ?? '';
    const d = await draftOf(cases.en);
    seen.draftBefore = `${d.subject}\n${d.body}`;
    // Posted in the thread for colleagues, with the link that opens it in a mail app.
    await submit(h, d.v, {
      ...input.text(INPUT.draftSubject, d.subject),
      ...input.text(INPUT.draftBody, d.body),
    });
    seen.draftPosted = text(threadOf(cases.en).at(-1));
  }
  dump('7 Dec, opened');

  // Tuesday 8 December (a holiday in Italy): corrections and hand-overs.
  await tickUntil('2026-12-08T10:00:00Z');
  // New York: Done on the own-up clicked too early, taken back from its thread line, then again.
  const ny = cases.ny;
  await press(h, parentOf(ny), ACTION.done, { step: 'own_up', user: JOAN });
  const doneLine = threadOf(ny).at(-1) as StoredMessage;
  const undo = blockById(doneLine, 'undo_line') as { accessory?: { value?: string } };
  await click(
    h,
    {
      action_id: ACTION.undo,
      block_id: 'undo_line',
      type: 'button',
      value: String(undo.accessory?.value),
    },
    { message: structuredClone(doneLine), user: JOAN },
  );
  h.clock.advance(60 * 60_000);
  await press(h, parentOf(ny), ACTION.done, { step: 'own_up', user: JOAN });
  // Greek: the meeting cancelled; a change promised for Friday 18 December.
  const files = h.fake.files.length;
  await submit(
    h,
    await menu(cases.el, 'cancel_meeting', VIEW.cancelMeeting, NIKOS),
    {},
    {
      user: NIKOS,
    },
  );
  seen.cancelIcs = h.fake.files.slice(files).at(-1)?.content.toString('utf8') ?? '';
  await h.amends.cases.addChange(
    { teamId: TEAM, caseId: cases.el.c.id, actor: NIKOS },
    {
      what: 'Δεύτερος έλεγχος πριν την αποστολή',
      who: NIKOS,
      by: new Date('2026-12-18T16:00:00Z'),
    },
  );
  await redraw(cases.el);
  // Catalan: owner to Nikos (Athens), then severity critical, then the outline edited.
  await submit(
    h,
    await menu(cases.ca, 'owner', VIEW.owner, JORDI),
    input.user(INPUT.owner, NIKOS),
    {
      user: JORDI,
    },
  );
  await submit(
    h,
    await menu(cases.ca, 'severity', VIEW.severity, JORDI),
    input.select(INPUT.severity, 'critical'),
    { user: JORDI },
  );
  await submit(
    h,
    await menu(cases.ca, 'outline', VIEW.outline, JORDI),
    {
      ...input.text(INPUT.happened, 'Factures duplicades.'),
      ...input.text(INPUT.why, 'Un reintent del procés de facturació.'),
      ...input.text(INPUT.prevention, 'Cada factura es revisa.'),
      ...input.text(INPUT.twoSentences, 'Us vam facturar dues vegades. Ja està retornat.'),
    },
    { user: JORDI },
  );
  // English: a change promised by Friday 11 December, 17:00 UTC.
  await h.amends.cases.addChange(
    { teamId: TEAM, caseId: cases.en.c.id, actor: MARIA },
    { what: 'Duplicate check on every invoice', who: MARIA, by: new Date('2026-12-11T17:00:00Z') },
  );
  await redraw(cases.en);
  // Italian: a change promised for 15 December, and the draft Giulia would send.
  await h.amends.cases.addChange(
    { teamId: TEAM, caseId: cases.it.c.id, actor: GIULIA },
    { what: 'Doppio controllo dei bancali', who: GIULIA, by: new Date('2026-12-15T17:00:00Z') },
  );
  await redraw(cases.it);
  {
    const d = await draftOf(cases.it, GIULIA);
    seen.draftIt = `${d.subject}\n${d.body}`;
    dumpText('draft (it)', seen.draftIt);
  }
  dump('8 Dec, corrections');

  // Wednesday 9 December 15:00 Rome: Ferramenta Conti refuses after the meeting.
  await tickUntil('2026-12-09T14:00:00Z');
  await click(h, { action_id: ACTION.refused, value: await caseValue(cases.it) }, { user: GIULIA });
  seen.refusedAt = h.clock.now();
  // Friday 11 December: Northwind accepts; Maria drafts the follow-up.
  await tickUntil('2026-12-11T10:00:00Z');
  await click(h, { action_id: ACTION.accepted, value: await caseValue(cases.en) });
  {
    const d = await draftOf(cases.en);
    seen.draftAfter = `${d.subject}\n${d.body}`;
  }
  // Monday 14 December: the Greek client refuses.
  await tickUntil('2026-12-14T09:00:00Z');
  await click(h, { action_id: ACTION.refused, value: await caseValue(cases.el) }, { user: NIKOS });
  // Friday 18 December: Hudson Books accepts.
  await tickUntil('2026-12-18T15:00:00Z');
  await click(h, { action_id: ACTION.accepted, value: await caseValue(cases.ny) }, { user: JOAN });
  dump('18 Dec');

  await tickUntil('2027-01-20T10:00:00Z');
  dump('20 Jan');
  // Wednesday 20 January: the Greek case is given up, lost.
  {
    const n = h.fake.callsTo('views.open').length;
    await press(h, parentOf(cases.el), ACTION.close, { user: NIKOS });
    const v = await nextView(h, VIEW.close, n);
    await submit(
      h,
      v,
      {
        ...input.radio(INPUT.outcome, 'lost'),
        ...input.text(INPUT.reason, 'Πήγαν σε άλλον προμηθευτή'),
      },
      { user: NIKOS },
    );
  }
  // Right after the loss: what the outcomes say.
  seen.reportAfterLoss = await new ReportService(h.amends.store.reports, h.clock).report(
    TEAM,
    null,
  );
  await postEvent(
    h,
    eventEnvelope({ type: 'app_home_opened', user: MARIA, channel: 'D0HOME001', tab: 'home' }),
  );
  const home = h.fake.callsTo('views.publish').at(-1)?.args.view as { blocks?: unknown[] };
  seen.homeAfterLoss = mrkdwnOf(home?.blocks);
  dumpText('App Home after the loss (Maria)', seen.homeAfterLoss);

  await tickUntil('2027-03-15T17:00:00Z');
  dump('15 Mar');
  const before = h.fake.files.length;
  await command(h, 'export');
  seen.caseSheet =
    h.fake.files
      .slice(before)
      .find((f) => f.filename.startsWith('amends-cases-'))
      ?.content.toString('utf8') ?? '';
}

const OUTLINES = {
  it: {
    happened: 'Abbiamo consegnato i bancali di un altro cliente.',
    why: 'Due ordini avevano lo stesso riferimento.',
    prevention: 'Ogni bancale viene controllato due volte.',
    summary: 'Vi abbiamo consegnato i bancali sbagliati. Non succederà più.',
  },
  en: {
    happened: 'We invoiced you twice for the November order.',
    why: 'A retry in our billing job.',
    prevention: 'Every invoice is checked for a duplicate.',
    summary: 'We charged you twice. It is refunded and cannot happen again.',
  },
  el: {
    happened: 'Στείλαμε λάθος καφέ.',
    why: 'Μπερδέψαμε δύο παραγγελίες.',
    prevention: 'Διπλός έλεγχος σε κάθε αποστολή.',
    summary: 'Σας στείλαμε λάθος καφέ. Δεν θα ξανασυμβεί.',
  },
  ca: {
    happened: 'Factures duplicades.',
    why: 'Un reintent.',
    prevention: 'Revisió de cada factura.',
    summary: 'Us vam facturar dues vegades.',
  },
};

const stepLine = (o: Opened, key: string) => lineOf(o, `step_${key}`);
const reminders = (o: Opened) =>
  threadOf(o).filter((m) => m.metadata?.event_type === 'amends_reminder');
const kindOf = (m: StoredMessage) => String(m.metadata?.event_payload?.kind);
/** Italian public holidays of the walk, and weekends, in the zone of whoever is nudged. */
const IT_HOLIDAYS = ['2026-12-08', '2026-12-25', '2026-12-26', '2027-01-01', '2027-01-06'];
const OWNER_TZ: Record<string, string> = {
  [GIULIA]: 'Europe/Rome',
  [MARIA]: 'Europe/Rome',
  [NIKOS]: 'Europe/Athens',
  [JOAN]: 'America/New_York',
  [JORDI]: 'Europe/Madrid',
};

describe('issue #23 walked again: five cases, 7 December 2026 to 15 March 2027, HOLIDAYS=IT', () => {
  beforeAll(walk, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  describe('a refused case nobody touches', () => {
    /** Its posts after the refusal. */
    const afterRefusal = () => threadOf(cases.it).filter((m) => postedAt(m) > seen.refusedAt);
    const held = ['apologize', 'compensation', 'corrective_changes'] as const;
    const stillOpen = () =>
      itCat.nudge.stillOpen(held.map((k) => `*${itCat.stepTitle[k]}*`).join(', '));

    it('gets at most 6 posts in its 90 days', () => {
      const in90 = afterRefusal().filter(
        (m) => postedAt(m).getTime() <= seen.refusedAt.getTime() + 90 * 86_400_000,
      );
      expect(in90.length).toBeLessThanOrEqual(6);
    });

    it('gets its follow-ups', () => {
      // (The checks below hold for an empty thread too.)
      expect(afterRefusal().map(kindOf)).toContain('cadence');
    });

    it('gets posts only about keeping trying', () => {
      expect(
        afterRefusal().every((m) => ['cadence', 'cadence_end', 'stalled'].includes(kindOf(m))),
      ).toBe(true);
    });

    it('gets at most one post a day', () => {
      const posts = afterRefusal();
      expect(new Set(posts.map((m) => localDay(postedAt(m), 'Europe/Rome'))).size).toBe(
        posts.length,
      );
    });

    it('is never nagged about the apology', () => {
      for (const m of afterRefusal()) {
        const said = (m.text ?? '').replace(stillOpen(), '');
        expect(said).not.toContain(itCat.stepTitle.apologize);
        expect(said).not.toMatch(/Scusati|scadenza 9 dic/);
        expect(JSON.stringify(m.blocks)).not.toContain(`"${cases.it.c.id}|apologize|`);
      }
    });

    it('names in each small ask what is still open', () => {
      for (const m of afterRefusal().filter((x) => kindOf(x) === 'cadence'))
        expect(m.text).toContain(stillOpen());
    });

    it('shows the held steps open on its parent, not overdue', () => {
      for (const key of held) {
        expect(stepLine(cases.it, key)).toContain(itCat.case.heldAfterRefusal);
        expect(stepLine(cases.it, key)).not.toContain(itCat.stepState.overdue);
      }
    });

    it('shows the points nobody recorded as missed', () => {
      expect(stepLine(cases.it, 'keep_trying').match(/<!date\^\d+\^\{date_short\}/g)).toHaveLength(
        4,
      );
    });

    it('says in its facts that the client refused', () => {
      expect(lineOf(cases.it, 'case_facts')).toContain(itCat.case.answer.refused);
    });
  });

  describe('missed follow-ups stay visible', () => {
    const points = () => reminders(cases.en).filter((m) => kindOf(m) === 'cadence');

    it('no check-in is asked on 25 December', () => {
      expect(points().map((m) => localDay(postedAt(m), 'Europe/Rome'))).not.toContain('2026-12-25');
    });

    it('the check-in step shows the 28th missed', () => {
      const line = stepLine(cases.en, 'check_in');
      expect(line).toContain(en.case.checkIns(0));
      expect(line).toContain('Dates passed with nothing recorded:');
      expect(line).toContain('|2026-12-28>');
    });

    it('every ask is check-in 1, none being recorded', () => {
      for (const m of points()) expect(m.text).toContain(`<@${MARIA}>, check-in 1:`);
    });

    it('the last ask says it is the last', () => {
      expect(points().at(-1)?.text).toContain('This is the last planned check-in.');
    });

    it('the end asks, once, to close after the last point', () => {
      const end = reminders(cases.en).filter((m) => kindOf(m) === 'cadence_end');
      expect(end).toHaveLength(1);
      expect(end[0]?.text).toContain('that was the last planned check-in');
    });
  });

  describe('the end of a lost case tells the truth', () => {
    it('its facts say the refusal ended it, no longer that the client refused', () => {
      const facts = lineOf(cases.el, 'case_facts');
      expect(facts).toContain(el.case.refusedEnded);
      expect(facts).not.toContain(el.case.answer.refused);
    });

    it('its outcome reads lost', () => {
      expect(lineOf(cases.el, 'case_outcome')).toContain(el.outcome.lost);
    });

    it('its open change reads not done, with no date, not overdue', () => {
      const change = lineOf(cases.el, 'change_1');
      expect(change).toContain(el.changes.notDone);
      expect(change).not.toMatch(/<!date\^/);
      expect(change).not.toContain(el.stepState.overdue);
    });

    it('its last point, still waiting when the case was lost, reads missed', () => {
      // The point asked on 13 January.
      expect(stepLine(cases.el, 'keep_trying')).toContain('|2027-01-13>');
    });

    it('it lists no check-in step', () => {
      expect(blockById(parentOf(cases.el), 'step_check_in')).toBeUndefined();
    });

    it('nothing is posted after it', () => {
      const closedAt = Date.parse('2027-01-20T10:00:00Z');
      expect(threadOf(cases.el).filter((m) => postedAt(m).getTime() > closedAt)).toEqual([]);
    });
  });

  describe('an accepted case', () => {
    it('lists no keep-trying step', () => {
      for (const o of [cases.en, cases.ny])
        expect(blockById(parentOf(o), 'step_keep_trying')).toBeUndefined();
    });

    it('accepted with no meeting, lists no second meeting, nothing waiting', () => {
      // The second meeting, which starts after the first, never will.
      expect(blockById(parentOf(cases.ny), 'step_fix_meeting')).toBeUndefined();
      expect(JSON.stringify(parentOf(cases.ny).blocks)).not.toContain(en.stepState.waiting);
    });

    const promise = `<!date^${Date.parse('2026-12-11T17:00:00Z') / 1000}^`;
    it('marks a promised change past its date overdue, showing the date', () => {
      const change = lineOf(cases.en, 'change_1');
      expect(change).toContain(en.stepState.overdue);
      expect(change).toContain(promise);
    });

    it('has its changes step due at the promised date', () => {
      expect(stepLine(cases.en, 'corrective_changes')).toContain(promise);
    });
  });

  describe('the client can be reached', () => {
    it('the meeting form names their zone once', () => {
      expect(seen.meetingHint).toContain('Eastern Time (America/New_York)');
      expect(seen.meetingHint.split('Your own time zone.')).toHaveLength(2);
    });

    it('the invite has the place', () => {
      expect(seen.invite).toContain('LOCATION:Hudson St 10\\, New York');
    });

    it('the invite has the length, in their zone', () => {
      expect(seen.invite).toContain('DTSTART;TZID=America/New_York:20261210T100000');
      expect(seen.invite).toContain('DTEND;TZID=America/New_York:20261210T113000');
    });

    it('the draft is addressed to them, the summary in short', () => {
      expect(seen.draftBefore).toContain('Dear Dana Whitfield,');
      expect(seen.draftBefore).toContain('In short: we charged you twice.');
      expect(seen.draftBefore).not.toMatch(/\.\./);
    });

    it('the draft times the meeting for them', () => {
      expect(seen.draftBefore).toContain('10 December 2026 at 10:00 (Eastern Time)');
    });

    it('the draft posted links an email to them', () => {
      expect(seen.draftPosted).toContain('mailto:dana@northwind.example?subject=');
    });

    it('the draft after they accepted offers no second apology, no compensation again, no past meeting', () => {
      expect(seen.draftAfter).not.toMatch(/apolog|compensat|as planned/i);
    });

    it('the Italian draft reads as the native review asked', () => {
      expect(seen.draftIt).toContain('Spett.le Ferramenta Conti');
      expect(seen.draftIt).toContain('In breve: vi abbiamo consegnato i bancali sbagliati.');
      expect(seen.draftIt).toContain('(entro il 15 dicembre 2026)');
      expect(seen.draftIt).toContain('prima che ve ne accorgiate voi');
      expect(seen.draftIt).toContain(
        'il 9 dicembre 2026 alle ore 11:00 (ora dell’Europa centrale)',
      );
    });
  });

  describe('corrections, hand-overs', () => {
    const ny = () => threadOf(cases.ny).map((m) => m.text ?? '');
    const ca = () => threadOf(cases.ca).map((m) => m.text ?? '');

    it('an undo is said in the thread', () => {
      expect(
        ny().some((t) => t.includes(`<@${JOAN}> undid *Own up to the client* marked done.`)),
      ).toBe(true);
    });

    it('an own-up undone then done again counts the client told at the second Done', () => {
      expect(lineOf(cases.ny, 'case_facts')).toContain('Client told after 27 h');
    });

    it('a cancelled meeting sends its invite again as cancelled, a later sequence', () => {
      expect(seen.cancelIcs).toContain('STATUS:CANCELLED');
      expect(seen.cancelIcs).toMatch(/SEQUENCE:[1-9]/);
    });

    it('a new owner is said in the thread', () => {
      expect(
        ca().some((t) => t.includes(`ha traspassat el cas de <@${JORDI}> a <@${NIKOS}>`)),
      ).toBe(true);
    });

    it('a new severity is said in the thread', () => {
      expect(ca().some((t) => t.includes('ha canviat la gravetat de Greu a Crític'))).toBe(true);
    });

    it('an edited outline is said in the thread', () => {
      expect(ca().some((t) => t.includes('ha editat el guió'))).toBe(true);
    });

    it("after the hand-over the nudges come in the new owner's hours (Athens)", () => {
      const later = reminders(cases.ca).filter(
        (m) => postedAt(m) > new Date('2026-12-09T00:00:00Z'),
      );
      expect(later.length).toBeGreaterThan(0);
      for (const m of later) {
        const hour = new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/Athens',
          hour: 'numeric',
          hourCycle: 'h23',
        }).format(postedAt(m));
        expect(Number(hour)).toBeGreaterThanOrEqual(9);
        expect(Number(hour)).toBeLessThan(18);
      }
    });
  });

  describe('a case opened from a message', () => {
    it('keeps the message as its summary', () => {
      expect(lineOf(cases.ca, 'case_summary')).toContain('factures de novembre');
    });

    it('links to the message in its facts', () => {
      expect(lineOf(cases.ca, 'case_facts')).toContain(
        `<https://fake.slack.test/archives/C0GENERAL/p`,
      );
    });
  });

  it('holidays (IT): nothing posted on a weekend, 8 or 25-26 December, 1 or 6 January in the owner’s zone', () => {
    for (const o of Object.values(cases))
      for (const m of reminders(o)) {
        const owner = /<@(U0[A-Z0-9]+)>/.exec(m.text ?? '')?.[1] ?? o.c.ownerId;
        const day = localDay(postedAt(m), OWNER_TZ[owner] ?? 'Europe/Rome');
        const dow = new Date(`${day}T12:00:00Z`).getUTCDay();
        expect(IT_HOLIDAYS, `${o.c.client} ${kindOf(m)} on ${day}`).not.toContain(day);
        expect([0, 6], `${o.c.client} ${kindOf(m)} on ${day}`).not.toContain(dow);
      }
  });

  describe('right after a loss', () => {
    it('the outcomes count it', () => {
      expect(seen.reportAfterLoss?.summary.counts.lost).toBe(1);
    });

    it('App Home counts it, naming the case', () => {
      expect(seen.homeAfterLoss).toContain('Kafeneio Athina');
      expect(seen.homeAfterLoss).toContain('1 lost');
    });

    it('the outcomes do not count a cancelled meeting as a meeting', () => {
      expect(seen.reportAfterLoss?.summary.timeToMeeting.n).toBe(2);
    });

    /** The lost case's row of the case export, by column. */
    const lostRow = () => {
      const rows = seen.caseSheet.split('\n');
      const head = (rows[0] ?? '').replace(/^\uFEFF/, '').split(',');
      const greek = rows.find((r) => r.startsWith(`${cases.el.c.id},`))?.split(',') ?? [];
      return (column: string) => greek[head.indexOf(column)];
    };

    it('the export has the case as lost, with no meeting', () => {
      const row = lostRow();
      expect(row('status')).toBe('lost');
      expect(row('meeting_utc')).toBe('');
    });

    it('the export names people', () => {
      expect(lostRow()('owner_name')).toBe('Nikos Pappas');
    });
  });

  it('nothing the bot sent broke a Block Kit limit', () => {
    expect(shapeProblems(h.fake)).toEqual([]);
  });

  it('nothing the bot sent leaked a broadcast mention', () => {
    expect(mentionLeaks(h.fake)).toEqual([]);
  });

  it('nothing failed unexpectedly', () => {
    expect(unexpectedErrors(h)).toEqual([]);
  });
});

function dumpText(title: string, s: string) {
  const file = process.env.WALK_DUMP;
  if (!file) return;
  let prev = '';
  try {
    prev = readFileSync(file, 'utf8');
  } catch {}
  writeFileSync(file, `${prev}\n\n######## ${title}\n${s}\n`);
}
