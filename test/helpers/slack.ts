/**
 * Test-side Slack client: builds requests the way Slack sends them (signed, url-encoded or JSON),
 * clicks the buttons the bot actually posted, submits the modals it actually opened, and reads
 * back the fake Web API's record. Builds on test/helpers/harness.ts.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { StepKey } from '../../src/domain/playbook.js';
import type { RecoveryCase, Step } from '../../src/domain/recoveryCase.js';
import type { StoredMessage, StoredView } from '../../src/sandbox/fakeSlack.js';
import {
  type ActionInput,
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  triggerId,
  viewSubmissionPayload,
} from '../../src/sandbox/slackRequests.js';
import type { SnoozeChoice } from '../../src/services/cases.js';
import { CASE_EVENT_TYPE } from '../../src/slack/caseView.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { mentionLeaks, shapeProblems } from './blockKit.js';
import { CHANNEL, type Harness, MARIA, present, startHarness, TEAM } from './harness.js';

export const NIKOS = 'U0NIKOS01';
export const JOAN = 'U0JOAN001';
/** A second, well-formed workspace id. */
export const OTHER_TEAM = 'T0OTHER99';
export const OTHER_CHANNEL = 'C0SUPPORT';

export type Reply = { status: number; text: string };

/**
 * How Slack delivers what a user typed after a slash command: `&`, `<` and `>` arrive as HTML
 * entities (Slack's escaping rules for text it sends to apps).
 */
export const slackEncode = (typed: string): string =>
  typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const isParent = (m: StoredMessage): boolean => !m.thread_ts || m.thread_ts === m.ts;

export function parents(h: Harness, channel = CHANNEL): StoredMessage[] {
  return h.fake.messages.filter((m) => m.channel === channel && isParent(m));
}

export function replies(h: Harness, parentTs: string): StoredMessage[] {
  return h.fake.messages.filter((m) => m.thread_ts === parentTs && m.ts !== parentTs);
}

/** How many rows `table` holds, in every workspace (the store's own row counts). */
async function countRows(h: Harness, table: 'cases' | 'events'): Promise<number> {
  return (await h.amends.store.ops.rows())[table];
}

export function countCases(h: Harness): Promise<number> {
  return countRows(h, 'cases');
}

export function countEvents(h: Harness): Promise<number> {
  return countRows(h, 'events');
}

/** The stored case, as the database has it now. */
export async function fresh(h: Harness, c: { teamId: string; id: number }): Promise<RecoveryCase> {
  const r = await h.amends.caseRepo.get(c.teamId, c.id);
  if (!r) throw new Error(`case ${c.id} is gone`);
  return r;
}

export function stepOf(c: RecoveryCase, key: StepKey): Step {
  const s = c.steps.find((x) => x.key === key);
  if (!s) throw new Error(`no step ${key}`);
  return s;
}

/**
 * The case whose parent message is `ts` in `team`, once its ts is stored: the parent's metadata
 * names the case (as Slack would show it), the store says whether it recorded the ts.
 */
export async function caseWithTs(
  h: Harness,
  ts: string,
  team = TEAM,
): Promise<RecoveryCase | null> {
  const id = caseIdOf(h.fake.messages.find((m) => m.ts === ts && isParent(m)));
  if (id === null) return null;
  const c = await h.amends.caseRepo.get(team, id);
  return c?.messageTs === ts ? c : null;
}

/** The case a parent post names in its metadata (null: not a case's parent). */
export function caseIdOf(m: StoredMessage | undefined): number | null {
  if (m?.metadata?.event_type !== CASE_EVENT_TYPE) return null;
  const id = Number(m.metadata.event_payload.case_id);
  return Number.isInteger(id) ? id : null;
}

/** A slash command as Slack sends it: the typed text entity-encoded, url-encoded body, signed. */
export function command(
  h: Harness,
  typed: string,
  o: {
    user?: string;
    team?: string;
    channel?: string;
    triggerId?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  return h.command(slackEncode(typed), o);
}

export interface Opened {
  readonly c: RecoveryCase;
  readonly parent: StoredMessage;
  readonly first: StoredMessage;
}

/** `/incident <typed>` and wait for the parent, its first reply and the stored message ts. */
export async function openCase(
  h: Harness,
  typed = 'Acme Corp: shipped the wrong pallets to Turin',
  o: { user?: string; team?: string; channel?: string } = {},
): Promise<Opened> {
  const seen = new Set(h.fake.messages.map((m) => m.ts));
  const channel = o.channel ?? CHANNEL;
  const r = await command(h, typed, o);
  if (r.status !== 200) throw new Error(`command answered ${r.status}`);
  const parent = present(
    () => h.fake.messages.find((m) => !seen.has(m.ts) && m.channel === channel && isParent(m)),
    'parent message',
  );
  const first = present(() => replies(h, parent.ts)[0], 'first thread reply');
  const c = await present(() => caseWithTs(h, parent.ts, o.team), 'message ts stored');
  return { c, parent, first };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function blockById(msg: { blocks?: unknown[] }, blockId: string): Obj | undefined {
  return (msg.blocks ?? []).find((b): b is Obj => isObj(b) && b.block_id === blockId);
}

/** The element with `actionId` in a block of a posted message. */
export function elementIn(
  msg: { blocks?: unknown[] },
  blockId: string,
  actionId: string,
): Obj | undefined {
  const b = blockById(msg, blockId);
  const els = Array.isArray(b?.elements) ? (b.elements as unknown[]) : [];
  return els.find((e): e is Obj => isObj(e) && e.action_id === actionId);
}

/** The action a user sends by clicking a button (or overflow option) the bot posted. */
export function actionOn(
  msg: { blocks?: unknown[] },
  actionId: string,
  o: { step?: StepKey; choice?: SnoozeChoice } = {},
): ActionInput {
  const blockId = o.step ? `actions_${o.step}` : 'case_actions';
  const el = elementIn(msg, blockId, actionId);
  if (!el) throw new Error(`no ${actionId} in block ${blockId}`);
  if (el.type === 'overflow') {
    const opts = (el.options as { value: string }[]) ?? [];
    const opt = opts.find((x) => x.value.endsWith(`|${o.choice ?? 'hour'}`));
    if (!opt) throw new Error(`no overflow option ${o.choice}`);
    return { action_id: actionId, block_id: blockId, type: 'overflow', selected_value: opt.value };
  }
  return { action_id: actionId, block_id: blockId, type: 'button', value: el.value as string };
}

export interface ClickOptions {
  readonly user?: string;
  readonly team?: string;
  readonly channel?: string;
  /** The message the button is on (Slack sends it in the payload). */
  readonly message?: StoredMessage;
  readonly messageTs?: string;
  readonly threadTs?: string;
  readonly triggerId?: string;
}

/** The `block_actions` payload Slack sends for a click. */
export function clickPayload(h: Harness, action: ActionInput, o: ClickOptions = {}): Obj {
  const msg = o.message;
  return blockActionsPayload({
    teamId: o.team ?? TEAM,
    userId: o.user ?? MARIA,
    channelId: o.channel ?? msg?.channel ?? CHANNEL,
    messageTs: msg?.ts ?? o.messageTs ?? '1.0',
    ...(o.threadTs ? { threadTs: o.threadTs } : {}),
    ...(msg
      ? {
          message: {
            type: 'message',
            ts: msg.ts,
            text: msg.text,
            user: msg.user,
            bot_id: msg.bot_id,
            app_id: 'AAMENDS01',
            team: o.team ?? TEAM,
            ...(msg.blocks ? { blocks: msg.blocks } : {}),
            ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
          },
        }
      : {}),
    action,
    responseUrl: `${h.fake.responseUrlBase}action`,
    triggerId: o.triggerId ?? triggerId(),
  });
}

export function click(h: Harness, action: ActionInput, o: ClickOptions = {}): Promise<Reply> {
  return postSigned(h.url, h.secret, interactionBody(clickPayload(h, action, o)));
}

/** Clicks the button `actionId` as it is on `msg` now (pass a snapshot to click an old version). */
export function press(
  h: Harness,
  msg: StoredMessage,
  actionId: string,
  o: ClickOptions & { step?: StepKey; choice?: SnoozeChoice } = {},
): Promise<Reply> {
  const { step, choice, ...rest } = o;
  const snapshot = structuredClone(msg);
  return click(
    h,
    actionOn(snapshot, actionId, { ...(step ? { step } : {}), ...(choice ? { choice } : {}) }),
    { ...rest, message: snapshot },
  );
}

/** Waits for the next modal the bot opens with `callbackId`. */
export async function nextView(h: Harness, callbackId: string, after: number): Promise<StoredView> {
  const call = present(
    () => h.fake.callsTo('views.open').slice(after)[0],
    `views.open ${callbackId}`,
  );
  const view = (call.args.view ?? {}) as { callback_id?: string };
  if (view.callback_id !== callbackId)
    throw new Error(`opened ${String(view.callback_id)}, expected ${callbackId}`);
  return present(
    () => [...h.fake.views.values()].filter((v) => v.callback_id === callbackId).at(-1),
    'stored view',
  );
}

/** A `view_submission` as Slack sends it for a modal the bot opened (title/submit/close included). */
export function submitPayload(
  view: StoredView,
  values: Record<string, Record<string, unknown>>,
  o: { user?: string; team?: string } = {},
): Obj {
  const p = viewSubmissionPayload({
    teamId: o.team ?? TEAM,
    userId: o.user ?? MARIA,
    view: {
      id: view.id,
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      blocks: view.blocks,
      hash: view.hash,
    },
    values,
  });
  const v = p.view as Obj;
  v.title = view.title;
  v.submit = view.submit;
  v.close = view.close;
  return p;
}

export function submit(
  h: Harness,
  view: StoredView,
  values: Record<string, Record<string, unknown>>,
  o: { user?: string; team?: string } = {},
): Promise<Reply> {
  return postSigned(h.url, h.secret, interactionBody(submitPayload(view, values, o)));
}

/** state.values entries shaped as Slack fills them, one per input (block_id = action_id). */
export const input = {
  text: (id: string, value: string | null) => ({
    [id]: { [id]: { type: 'plain_text_input', value } },
  }),
  select: (id: string, value: string | null) => ({
    [id]: {
      [id]: {
        type: 'static_select',
        selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null,
      },
    },
  }),
  radio: (id: string, value: string | null) => ({
    [id]: {
      [id]: {
        type: 'radio_buttons',
        selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null,
      },
    },
  }),
  user: (id: string, user: string | null) => ({
    [id]: { [id]: { type: 'users_select', selected_user: user } },
  }),
  date: (id: string, date: string | null) => ({
    [id]: { [id]: { type: 'datepicker', selected_date: date } },
  }),
  time: (id: string, time: string | null) => ({
    [id]: { [id]: { type: 'timepicker', selected_time: time } },
  }),
};

/** An Events API envelope the way Slack wraps an event (with the team it happened in). */
export function eventEnvelope(event: Obj, team = TEAM): Obj {
  const now = Math.floor(Date.now() / 1000);
  return {
    token: 'verification-token',
    team_id: team,
    api_app_id: 'AAMENDS01',
    event: { event_ts: `${now}.000100`, ...event },
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: now,
    authorizations: [
      {
        enterprise_id: null,
        team_id: team,
        user_id: 'UFAKEBOT01',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

export function postEvent(
  h: Harness,
  envelope: Obj,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return postSigned(h.url, h.secret, JSON.stringify(envelope), 'application/json', headers);
}

/** A slash-command body for `/incident`, exactly as `h.command` would send it (for replays). */
export function commandBody(
  h: Harness,
  typed: string,
  o: { user?: string; team?: string; channel?: string; triggerId?: string } = {},
): string {
  return slashCommandBody({
    teamId: o.team ?? TEAM,
    userId: o.user ?? MARIA,
    channelId: o.channel ?? CHANNEL,
    text: slackEncode(typed),
    responseUrl: `${h.fake.responseUrlBase}cmd`,
    ...(o.triggerId ? { triggerId: o.triggerId } : {}),
  });
}

/** Unexpected failures the app logged (an error dump the user would see as "something went wrong"). */
export function unexpectedErrors(h: Harness): string[] {
  return h.logs
    .filter((l) => l.msg === 'unexpected error' || l.msg === 'unhandled listener error')
    .map((l) => `${l.msg}: ${JSON.stringify(l.extra).slice(0, 400)}`);
}

export interface HarnessCtx {
  h: Harness;
  /** Set in a test that provokes an unexpected error on purpose. */
  allowUnexpected: boolean;
}

/**
 * A fresh app + fake Slack per test. After every test: nothing the bot sent has a broadcast
 * mention in mrkdwn or a text fallback, nothing breaks a Block Kit limit, no error dump was logged.
 */
export function useHarness(o: Parameters<typeof startHarness>[0] = {}): HarnessCtx {
  const ctx = { allowUnexpected: false } as HarnessCtx;
  beforeEach(async () => {
    ctx.allowUnexpected = false;
    ctx.h = await startHarness(o);
  });
  afterEach(async () => {
    try {
      expect(mentionLeaks(ctx.h.fake), 'broadcast mentions in what the bot sent').toEqual([]);
      expect(shapeProblems(ctx.h.fake), 'Block Kit limits').toEqual([]);
      if (!ctx.allowUnexpected) expect(unexpectedErrors(ctx.h), 'error dumps').toEqual([]);
    } finally {
      await ctx.h.close();
    }
  });
  return ctx;
}

/** The replies the thread of `parentTs` got past its first `before` (the work is finished by now). */
export async function newReplies(
  h: Harness,
  parentTs: string,
  before: number,
): Promise<StoredMessage[]> {
  present(() => replies(h, parentTs).length > before, 'thread reply');
  return replies(h, parentTs).slice(before);
}

/** chat.update calls on one message. */
export const updatesOf = (h: Harness, ts: string) =>
  h.fake.callsTo('chat.update').filter((c) => c.args.ts === ts);

/** Books (or moves) the meeting through the real form, at a wall-clock time in the owner's zone. */
export async function book(h: Harness, o: Opened, date: string, time: string): Promise<void> {
  const n = h.fake.callsTo('views.open').length;
  const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
  const step = (await fresh(h, o.c)).steps.find((s) => s.key === 'meeting');
  // Once booked, the meeting step is done: "Move the meeting" opens the same form.
  if (step?.status === 'pending') await press(h, parent, ACTION.meeting, { step: 'meeting' });
  else await press(h, parent, ACTION.moveMeeting);
  const view = await nextView(h, VIEW.meeting, n);
  const r = await submit(h, view, {
    ...input.date(INPUT.meetingDate, date),
    ...input.time(INPUT.meetingTime, time),
  });
  expect(r).toEqual({ status: 200, text: '' });
}
