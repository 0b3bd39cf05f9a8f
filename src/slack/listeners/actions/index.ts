import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  OverflowAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { DomainError } from '../../../domain/errors.js';
import {
  type Changed,
  findStep,
  type RecoveryCase,
  stepsDoneBySend,
} from '../../../domain/recoveryCase.js';
import { type Catalog, isLang, t } from '../../../i18n/index.js';
import { stepTitle } from '../../blocks/caseMessage.js';
import { buildDraft, draftUsed, recipientOf } from '../../blocks/draft.js';
import { dateToken, literal, mention } from '../../blocks/format.js';
import {
  addChangeModal,
  cancelMeetingModal,
  closeModal,
  compensationModal,
  draftModal,
  dropChangeModal,
  followUpModal,
  meetingModal,
  moveModal,
  openCaseModal,
  outlineModal,
  ownerModal,
  severityModal,
  skipModal,
} from '../../blocks/modals.js';
import { line, undoableLine, undoneWhat, undoUsed } from '../../blocks/thread.js';
import { formFailed, friendly } from '../../errors.js';
import {
  ACTION,
  type CaseRef,
  decodeCase,
  decodeChange,
  decodeMenu,
  decodeMeta,
  decodeSnooze,
  decodeStep,
  INPUT,
  type StepRef,
  VIEW,
} from '../../ids.js';
import { byId, catFor, knownClients, type ListenerDeps, teamOf, unhandled } from '../deps.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

interface Click {
  readonly team: string;
  readonly user: string;
  readonly channel: string | undefined;
  readonly threadTs: string | undefined;
  readonly cat: Catalog;
  readonly args: Args;
}

function actionValue(args: Args): string | undefined {
  const a = args.action as ButtonAction | OverflowAction;
  return a.type === 'overflow' ? a.selected_option?.value : a.value;
}

/** What a click does in Slack once it is stored and acknowledged. */
type Then = () => Promise<void>;

/**
 * Parse, one use-case (decided and committed before the ack), ack, then the Slack calls. A domain
 * error changes nothing and becomes a private note after the ack.
 */
function handler(
  deps: ListenerDeps,
  run: (click: Click, value: string | undefined) => Promise<Then>,
) {
  return async (args: Args) => {
    const team = teamOf(args.body);
    const user = args.body.user?.id;
    if (!team || !user) {
      await args.ack();
      return;
    }
    const container = args.body.container as
      | { channel_id?: string; thread_ts?: string; message_ts?: string }
      | undefined;
    const channel = args.body.channel?.id ?? container?.channel_id;
    const threadTs = container?.thread_ts;
    const cat = await catFor(deps, team, user);
    let then: Then;
    try {
      then = await run({ team, user, channel, threadTs, cat, args }, actionValue(args));
    } catch (e) {
      await args.ack();
      // Someone Amends has not looked up yet reads the note in their own language: Slack is asked
      // (briefly, after the ack) before it is written.
      await deps.profiles.resolve(team, user, deps.cases.now(), 700).catch(() => {});
      await deps.presenter.ephemeral(
        channel,
        user,
        friendly(e, await catFor(deps, team, user), deps.log),
        threadTs,
        args.respond,
      );
      return;
    }
    await args.ack();
    await then();
  };
}

const bad = () => new DomainError('invalid_input', 'value');

function stepRef(v: string | undefined): StepRef {
  const r = decodeStep(v);
  if (!r) throw bad();
  return r;
}

function caseRef(v: string | undefined): CaseRef {
  const r = decodeCase(v);
  if (!r) throw bad();
  return r;
}

/** A modal is only opened for a step whose button is current: a stale button says so instead. */
async function currentStep(deps: ListenerDeps, team: string, ref: StepRef): Promise<RecoveryCase> {
  const c = await deps.cases.get(team, ref.caseId);
  if (c.status !== 'open') throw new DomainError('case_closed');
  const s = findStep(c, ref.step);
  if (s.status === 'done' || s.status === 'skipped') throw new DomainError('already_done');
  if (s.version !== ref.version) throw new DomainError('stale_action');
  return c;
}

/**
 * Opens a form after the ack (a trigger is valid for 3 s), then caches the clicker's time zone, in
 * which the form's date and time are read when it comes back.
 */
async function openModal(
  deps: ListenerDeps,
  k: Click,
  trigger: string,
  view: Parameters<Args['client']['views']['open']>[0]['view'],
): Promise<void> {
  try {
    await k.args.client.views.open({ trigger_id: trigger, view });
  } catch (e) {
    deps.log('views.open failed', { error: String(e) });
    await deps.presenter.ephemeral(
      k.channel,
      k.user,
      formFailed(e, k.cat),
      k.threadTs,
      k.args.respond,
    );
    return;
  }
  await deps.profiles.resolve(k.team, k.user, deps.cases.now());
}

/**
 * What a click that opens a form does: its trigger is checked now (without one there is nothing to
 * open: a private note says so after the ack), the form is built from the stored case, and it is
 * opened after the ack.
 */
function form(
  deps: ListenerDeps,
  k: Click,
  build: () => Parameters<typeof openModal>[3],
): () => Promise<void> {
  const trigger = (k.args.body as { trigger_id?: string }).trigger_id;
  if (!trigger) throw bad();
  const view = build();
  return () => openModal(deps, k, trigger, view);
}

export function registerActions(app: App, deps: ListenerDeps): void {
  const buttons = byId<Args>(
    (a) => a.action.action_id,
    (a) => unhandled(a.ack, deps.log, { kind: 'action', id: a.action.action_id }),
  );
  const { presenter } = deps;
  const pb = () => deps.cases.playbook;
  // Playbook titles are admin-written text: escaped like any other text in mrkdwn.
  const title = (_c: RecoveryCase, key: Parameters<typeof stepTitle>[0], cat: Catalog) =>
    literal(stepTitle(key, pb(), cat));
  // Thread lines are written in the case's language, so the whole thread reads in one language.
  // The line is stored with the change (one transaction) and posted after the ack.
  const announce = (change: () => Promise<Changed>, say: (ch: Changed, cat: Catalog) => string) =>
    deps.cases.announce(change, (ch) => line(say(ch, t(ch.case.lang))));
  // A click that can be undone: its line carries the Undo button (the case's version after it).
  const undoable = (change: () => Promise<Changed>, say: (ch: Changed, cat: Catalog) => string) =>
    deps.cases.announce(change, (ch) => {
      const cat = t(ch.case.lang);
      return undoableLine(say(ch, cat), ch.case, cat);
    });
  const after = (ch: Changed) => () => presenter.afterChange(ch.case);

  /**
   * After the ack: the change shown, then the clicked thread line (its blocks as Slack sent them
   * with the click) redrawn by `used`, which says the button was used.
   */
  const redrawClicked =
    (
      k: Click,
      ch: Changed,
      used: (
        blocks: readonly unknown[],
        cat: Catalog,
        who: string,
        at: Date,
      ) => { text: string; blocks: unknown[] },
    ): Then =>
    async () => {
      await presenter.afterChange(ch.case);
      const msg = (k.args.body as { message?: { ts?: string; text?: string; blocks?: unknown[] } })
        .message;
      if (!msg?.ts || !Array.isArray(msg.blocks)) return;
      const drawn = used(msg.blocks, t(ch.case.lang), k.user, deps.cases.now());
      await presenter.updateLine(ch.case, msg.ts, {
        text: msg.text || drawn.text,
        blocks: drawn.blocks,
      });
    };

  buttons.on(
    ACTION.done,
    handler(deps, async (k, v) => {
      const ref = stepRef(v);
      const ch = await undoable(
        () => deps.cases.complete(k.team, ref.caseId, ref.step, k.user, ref.version),
        (ch, cat) => cat.thread.done(mention(k.user), title(ch.case, ref.step, cat)),
      );
      return after(ch);
    }),
  );

  buttons.on(
    ACTION.snooze,
    handler(deps, async (k, v) => {
      const ref = decodeSnooze(v);
      if (!ref) throw bad();
      const ch = await undoable(
        () => deps.cases.snooze(k.team, ref.caseId, ref.step, ref.choice, k.user, ref.version),
        (ch, cat) => {
          const until = findStep(ch.case, ref.step).snoozedUntil;
          // A date token every reader sees in their own zone; "tomorrow morning" and "next week"
          // are the owner's morning, and the line says so.
          const whose = ref.choice === 'hour' ? '' : cat.snooze.whose(mention(ch.case.ownerId));
          return cat.thread.snoozed(
            mention(k.user),
            title(ch.case, ref.step, cat),
            until ? `${dateToken(until)}${whose}` : '',
          );
        },
      );
      return after(ch);
    }),
  );

  const modalFor = (
    id: string,
    build: (
      k: Click,
      c: RecoveryCase,
      ref: StepRef,
    ) => Parameters<Args['client']['views']['open']>[0]['view'],
  ) =>
    buttons.on(
      id,
      handler(deps, async (k, v) => {
        const ref = stepRef(v);
        const c = await currentStep(deps, k.team, ref);
        return form(deps, k, () => build(k, c, ref));
      }),
    );
  modalFor(ACTION.skip, (k, c, ref) => {
    if (!findStep(c, ref.step).optional) throw new DomainError('not_optional');
    return skipModal(k.cat, c, ref.step, ref.version);
  });
  modalFor(ACTION.outline, (k, c, ref) => outlineModal(k.cat, c, ref.version));
  // Booking: the length and place are chosen too (the client's usual place offered), and the hint
  // names the client's zone, in which the invite and the message give the time.
  buttons.on(
    ACTION.meeting,
    handler(deps, async (k, v) => {
      const ref = stepRef(v);
      const c = await currentStep(deps, k.team, ref);
      const client = await deps.cases.clientOf(c);
      const { lang } = await deps.profiles.cachedOrDefault(k.team, k.user);
      const step = ref.step === 'fix_meeting' ? 'fix_meeting' : 'meeting';
      return form(deps, k, () =>
        meetingModal(k.cat, c, ref.version, step, undefined, {
          client,
          lang,
          now: deps.cases.now(),
        }),
      );
    }),
  );
  // A booked meeting (or the one to show the fix) moved: the booking form, filled with its time in
  // the clicker's zone, in which the answer is read.
  for (const step of ['meeting', 'fix_meeting'] as const)
    buttons.on(
      step === 'meeting' ? ACTION.moveMeeting : ACTION.moveFixMeeting,
      handler(deps, async (k, v) => {
        const ref = caseRef(v);
        const c = await deps.cases.get(k.team, ref.caseId);
        if (c.status !== 'open') throw new DomainError('case_closed');
        const at = step === 'meeting' ? c.meetingAt : c.fixMeetingAt;
        const { tz, lang } = await deps.profiles.cachedOrDefault(k.team, k.user);
        const client = await deps.cases.clientOf(c);
        return form(deps, k, () =>
          meetingModal(k.cat, c, findStep(c, step).version, step, at ? { at, tz } : undefined, {
            client,
            lang,
            now: deps.cases.now(),
          }),
        );
      }),
    );
  modalFor(ACTION.compensation, (k, c, ref) => compensationModal(k.cat, c, ref.version));
  modalFor(ACTION.followUp, (k, c, ref) => followUpModal(k.cat, c, ref.step, ref.version));

  for (const answer of ['accepted', 'refused'] as const) {
    buttons.on(
      ACTION[answer],
      handler(deps, async (k, v) => {
        const ref = caseRef(v);
        const ch = await undoable(
          () => deps.cases.answer(k.team, ref.caseId, answer, k.user, ref.version),
          (_ch, cat) => cat.thread[answer](mention(k.user)),
        );
        return after(ch);
      }),
    );
  }

  // Undo, on the thread line of the last click: only in the case's own channel (the click's
  // channel is Slack's word, in a signed request), only while nothing has happened since.
  buttons.on(
    ACTION.undo,
    handler(deps, async (k, v) => {
      const ref = caseRef(v);
      const ch = await announce(
        () => deps.cases.undo(k.team, ref.caseId, ref.version, k.user, k.channel ?? null),
        (ch, cat) => cat.corrections.undone(mention(k.user), undoneWhat(ch.event, pb(), cat)),
      );
      // The line whose Undo was used loses its button and says who undid it (after the ack).
      return redrawClicked(k, ch, undoUsed);
    }),
  );

  buttons.on(
    ACTION.moreFollowUps,
    handler(deps, async (k, v) => {
      const ref = caseRef(v);
      const ch = await announce(
        () => deps.cases.moreFollowUps(k.team, ref.caseId, k.user, ref.version),
        (ch, cat) => {
          const at = findStep(ch.case, 'keep_trying').dueAt;
          return cat.thread.moreFollowUps(mention(k.user), at ? dateToken(at) : '');
        },
      );
      return after(ch);
    }),
  );

  // App Home: "New case" opens the same form as /incident, with a channel picker.
  buttons.on(ACTION.newCase, async ({ ack, body, client }) => {
    await ack();
    const team = teamOf(body);
    const user = body.user?.id;
    const trigger = (body as { trigger_id?: string }).trigger_id;
    if (!team || !user || !trigger) return;
    const { lang } = await deps.profiles.cachedOrDefault(team, user);
    const known = await knownClients(deps, team);
    await client.views
      .open({ trigger_id: trigger, view: openCaseModal(t(lang), null, user, lang, {}, known) })
      .catch((e) => deps.log('views.open failed', { error: String(e) }));
  });

  // The new-case form: a known client picked fills in its details (the form drawn again, its
  // detail fields under new block ids so Slack shows the values; what was typed elsewhere stays).
  // Where no such event comes (the sandbox), the submission uses the details on record instead.
  buttons.on(INPUT.clientPick, async ({ ack, body, action, client }) => {
    await ack();
    const team = teamOf(body);
    const user = body.user?.id;
    const view = (
      body as {
        view?: { id?: string; hash?: string; callback_id?: string; private_metadata?: string };
      }
    ).view;
    const picked = (action as { selected_option?: { value?: string } }).selected_option?.value;
    if (!team || !user || !view?.id || view.callback_id !== VIEW.open) return;
    if (!picked || !/^\d{1,12}$/.test(picked)) return;
    const known = await deps.cases.client(team, Number(picked));
    if (!known) return;
    const meta = decodeMeta(view.private_metadata) ?? {};
    const { lang } = await deps.profiles.cachedOrDefault(team, user);
    const list = await knownClients(deps, team);
    const form = openCaseModal(
      t(lang),
      meta.channelId ?? null,
      user,
      lang,
      { link: meta.link ?? null },
      list,
      known,
    );
    await client.views
      .update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: form })
      .catch((e) => deps.log('views.update failed', { error: String(e) }));
  });

  // App Home: the viewer's language, stored, and the home redrawn in it.
  buttons.on(ACTION.language, async ({ ack, body, action, client }) => {
    await ack();
    const team = teamOf(body);
    const user = body.user?.id;
    const picked = (action as { selected_option?: { value?: string } }).selected_option?.value;
    if (!team || !user || !picked || !isLang(picked)) return;
    await deps.profiles.chooseLanguage(team, user, picked);
    await deps.home.opened(team, user);
    await deps.home
      .publish(client, team, user)
      .catch((e) => deps.log('views.publish failed', { error: String(e) }));
  });

  // The message to the client: drafted from the case, edited in a form, posted for review.
  buttons.on(
    ACTION.draft,
    handler(deps, async (k, v) => {
      const ref = caseRef(v);
      const c = await deps.cases.get(k.team, ref.caseId);
      if (c.status !== 'open') throw new DomainError('case_closed');
      const cat = t(c.lang);
      const owner = (await deps.profiles.nameOf(k.team, c.ownerId)) ?? '';
      // To the client's contact, in the client's language and zone (the case's when not on record).
      const to = recipientOf(c, await deps.cases.clientOf(c));
      const d = buildDraft(c, owner, deps.cases.now(), to);
      if (!d) throw new DomainError('invalid_input', 'outline');
      return form(deps, k, () => draftModal(cat, c, d));
    }),
  );
  buttons.on(
    ACTION.draftSent,
    handler(deps, async (k, v) => {
      const ref = caseRef(v);
      const ch = await undoable(
        // Keyed by the draft's own message: a second click on it is "already received", while
        // other clicks on the case since the draft was posted don't make it stale.
        () => {
          const ts = (k.args.body.container as { message_ts?: string } | undefined)?.message_ts;
          return deps.cases.clientMessageSent(
            k.team,
            ref.caseId,
            k.user,
            ref.version,
            ts ? `draft_sent:${ref.caseId}:${ts}` : undefined,
          );
        },
        // Say what the click closed: the thread is the case's record.
        (ch, cat) => {
          const titles = stepsDoneBySend(ch).map(
            (key) => `*${literal(stepTitle(key, deps.cases.playbook, cat))}*`,
          );
          const last = titles.pop();
          const marked = !last
            ? ''
            : titles.length === 0
              ? cat.draft.markedOne(last)
              : cat.draft.markedMany(`${titles.join(', ')} ${cat.draft.and} ${last}`);
          return `${cat.draft.sentLine(mention(k.user))}${marked}`;
        },
      );
      // The draft shows its button was used: who marked it sent, and when (after the ack).
      return redrawClicked(k, ch, draftUsed);
    }),
  );

  // Corrective changes: add (a form), done (a click), drop (a form asking why).
  buttons.on(
    ACTION.addChange,
    handler(deps, async (k, v) => {
      const ref = stepRef(v);
      const c = await currentStep(deps, k.team, ref);
      return form(deps, k, () => addChangeModal(k.cat, c));
    }),
  );
  buttons.on(
    ACTION.changeDone,
    handler(deps, async (k, v) => {
      const ref = decodeChange(v);
      if (!ref) throw bad();
      const ch = await undoable(
        () => deps.cases.settleChange(k.team, ref.caseId, ref.change, null, k.user, ref.version),
        (ch, cat) => {
          const x = ch.case.changes.find((y) => y.id === ref.change);
          return cat.changes.doneLine(mention(k.user), literal(x?.what ?? ''));
        },
      );
      return after(ch);
    }),
  );
  buttons.on(
    ACTION.changeDrop,
    handler(deps, async (k, v) => {
      const ref = decodeChange(v);
      if (!ref) throw bad();
      const c = await deps.cases.get(k.team, ref.caseId);
      if (c.status !== 'open') throw new DomainError('case_closed');
      if (ref.version !== c.version) throw new DomainError('stale_action');
      const x = c.changes.find((y) => y.id === ref.change);
      if (!x) throw new DomainError('invalid_input', 'change_not_found');
      if (x.status !== 'open') throw new DomainError('already_done');
      return form(deps, k, () => dropChangeModal(k.cat, c, ref.change));
    }),
  );

  // The parent's overflow menu: each choice opens its form, drawn from the stored case.
  buttons.on(
    ACTION.caseMenu,
    handler(deps, async (k, v) => {
      const ref = decodeMenu(v);
      if (!ref) throw bad();
      const c = await deps.cases.get(k.team, ref.caseId);
      if (c.status !== 'open') throw new DomainError('case_closed');
      switch (ref.choice) {
        case 'owner':
          return form(deps, k, () => ownerModal(k.cat, c));
        case 'severity':
          return form(deps, k, () => severityModal(k.cat, c));
        case 'outline':
          if (!c.outline) throw new DomainError('invalid_transition', 'no_outline');
          return form(deps, k, () => outlineModal(k.cat, c, findStep(c, 'outline').version));
        case 'cancel_meeting':
        case 'cancel_fix_meeting': {
          const fix = ref.choice === 'cancel_fix_meeting';
          const at = fix ? c.fixMeetingAt : c.meetingAt;
          if (!at || at <= deps.cases.now()) throw new DomainError('invalid_input', 'no_meeting');
          return form(deps, k, () =>
            cancelMeetingModal(k.cat, c, dateToken(at), fix ? 'fix_meeting' : 'meeting'),
          );
        }
      }
    }),
  );

  buttons.on(
    ACTION.moveCase,
    handler(deps, async (k, v) => {
      const ref = caseRef(v);
      const c = await deps.cases.get(k.team, ref.caseId);
      if (c.status !== 'open') throw new DomainError('case_closed');
      return form(deps, k, () => moveModal(k.cat, c));
    }),
  );

  buttons.on(
    ACTION.close,
    handler(deps, async (k, v) => {
      const ref = caseRef(v);
      const c = await deps.cases.get(k.team, ref.caseId);
      if (c.status !== 'open') throw new DomainError('case_closed');
      return form(deps, k, () => closeModal(k.cat, c));
    }),
  );
  app.action({ type: 'block_actions' }, buttons.dispatch);
}
