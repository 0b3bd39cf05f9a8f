import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  OverflowAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { DomainError } from '../../../domain/errors.js';
import { type Changed, findStep, type RecoveryCase } from '../../../domain/recoveryCase.js';
import { type Catalog, t } from '../../../i18n/index.js';
import type { CaseAct } from '../../../services/cases.js';
import { stepTitle } from '../../blocks/caseMessage.js';
import { literal } from '../../blocks/format.js';
import { line, undoableLine } from '../../blocks/thread.js';
import { formFailed, friendly } from '../../errors.js';
import { type CaseRef, decodeCase, decodeStep, type StepRef } from '../../ids.js';
import { catFor, type ListenerDeps, teamOf } from '../deps.js';

/** What Bolt hands a button (or menu) listener. */
export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** A click, parsed: who, where, and the clicker's language. */
export interface Click {
  readonly team: string;
  readonly user: string;
  readonly channel: string | undefined;
  readonly threadTs: string | undefined;
  readonly cat: Catalog;
  readonly args: ActionArgs;
}

/** The clicker's act on a case (a click carries no request key: its version guards it). */
export const actOf = (k: Click, caseId: number): CaseAct => ({
  teamId: k.team,
  caseId,
  actor: k.user,
});

/** A form Slack opens (views.open's view). */
export type Form = Parameters<ActionArgs['client']['views']['open']>[0]['view'];

/** What a click does in Slack once it is stored and acknowledged. */
export type Then = () => Promise<void>;

function actionValue(args: ActionArgs): string | undefined {
  const a = args.action as ButtonAction | OverflowAction;
  return a.type === 'overflow' ? a.selected_option?.value : a.value;
}

/**
 * A button's listener: parse, one use-case (decided and committed before the ack), ack, then the
 * Slack calls. A domain error changes nothing and becomes a private note after the ack.
 */
export function onClick(
  deps: ListenerDeps,
  run: (click: Click, value: string | undefined) => Promise<Then>,
) {
  return async (args: ActionArgs) => {
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
      // (briefly, after the ack) before it is written; without an answer, in the stored or default one.
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

/** A button value that is not one of ours: nothing changes, and the clicker is told. */
export const bad = () => new DomainError('invalid_input', 'value');

/** A button value read by `decode`: one that is not ours is refused (see bad). */
export function decoded<R>(decode: (v: string | undefined) => R | null, v: string | undefined): R {
  const r = decode(v);
  if (!r) throw bad();
  return r;
}

export const stepRef = (v: string | undefined): StepRef => decoded(decodeStep, v);

export const caseRef = (v: string | undefined): CaseRef => decoded(decodeCase, v);

/** The case a button is about, if it is still open (a closed case's buttons say so instead). */
export async function openCase(
  deps: ListenerDeps,
  team: string,
  id: number,
): Promise<RecoveryCase> {
  const c = await deps.cases.get(team, id);
  if (c.status !== 'open') throw new DomainError('case_closed');
  return c;
}

/** A modal is only opened for a step whose button is current: a stale button says so instead. */
export async function currentStep(
  deps: ListenerDeps,
  team: string,
  ref: StepRef,
): Promise<RecoveryCase> {
  const c = await openCase(deps, team, ref.caseId);
  const s = findStep(c, ref.step);
  if (s.status === 'done' || s.status === 'skipped') throw new DomainError('already_done');
  if (s.version !== ref.version) throw new DomainError('stale_action');
  return c;
}

/**
 * Opens a form after the ack (a trigger is valid for 3 s), then caches the clicker's time zone, in
 * which the form's date and time are read when it comes back.
 */
async function openModal(deps: ListenerDeps, k: Click, trigger: string, view: Form): Promise<void> {
  try {
    await k.args.client.views.open({ trigger_id: trigger, view });
  } catch (e) {
    deps.log.error('views.open failed', { err: e });
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
export function form(deps: ListenerDeps, k: Click, build: () => Form): Then {
  const trigger = (k.args.body as { trigger_id?: string }).trigger_id;
  if (!trigger) throw bad();
  const view = build();
  return () => openModal(deps, k, trigger, view);
}

/** A button on a step that opens that step's form, drawn from the stored case. */
export function stepForm(
  deps: ListenerDeps,
  build: (k: Click, c: RecoveryCase, ref: StepRef) => Form,
) {
  return onClick(deps, async (k, v) => {
    const ref = stepRef(v);
    const c = await currentStep(deps, k.team, ref);
    return form(deps, k, () => build(k, c, ref));
  });
}

/** A step's title as the thread says it (playbook titles are admin-written: escaped). */
export const stepLabel = (
  deps: ListenerDeps,
  key: Parameters<typeof stepTitle>[0],
  cat: Catalog,
): string => literal(stepTitle(key, deps.cases.playbook, cat));

/**
 * The change and its thread line, in the case's language (the whole thread reads in one), stored in
 * one transaction; the line is posted after the ack.
 */
export const announce = (
  deps: ListenerDeps,
  change: () => Promise<Changed>,
  say: (ch: Changed, cat: Catalog) => string,
) => deps.cases.announce(change, (ch) => line(say(ch, t(ch.case.lang))));

/** As `announce`, for a click that can be undone: its line carries the Undo button. */
export const undoable = (
  deps: ListenerDeps,
  change: () => Promise<Changed>,
  say: (ch: Changed, cat: Catalog) => string,
) =>
  deps.cases.announce(change, (ch) => {
    const cat = t(ch.case.lang);
    return undoableLine(say(ch, cat), ch.case, cat);
  });

/** After the ack: the change shown in Slack. */
export const shown =
  (deps: ListenerDeps, ch: Changed): Then =>
  () =>
    deps.presenter.afterChange(ch.case);

/**
 * After the ack: the change shown, then the clicked thread line (its blocks as Slack sent them
 * with the click) redrawn by `used`, which says the button was used.
 */
export const redrawClicked =
  (
    deps: ListenerDeps,
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
    await deps.presenter.afterChange(ch.case);
    const msg = (k.args.body as { message?: { ts?: string; text?: string; blocks?: unknown[] } })
      .message;
    if (!msg?.ts || !Array.isArray(msg.blocks)) return;
    const drawn = used(msg.blocks, t(ch.case.lang), k.user, deps.cases.now());
    await deps.presenter.updateLine(ch.case, msg.ts, {
      text: msg.text || drawn.text,
      blocks: drawn.blocks,
    });
  };
