import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { DomainError } from '../../../domain/errors.js';
import type { StepKey } from '../../../domain/playbook.js';
import type { Changed } from '../../../domain/recoveryCase.js';
import { type Catalog, t } from '../../../i18n/index.js';
import type { CaseAct, StepNoteRequest } from '../../../services/cases.js';
import type { LineBody } from '../../../services/ports.js';
import { withUserText } from '../../blocks/thread.js';
import { friendly } from '../../errors.js';
import { decodeMeta, INPUT, type ModalMeta } from '../../ids.js';
import { catFor, type ListenerDeps, teamOf } from '../deps.js';

/** What Bolt hands a form's listener when the form is submitted. */
export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type Values = ViewSubmitAction['view']['state']['values'];

/** What a submission does in Slack once it is stored and acknowledged (null: nothing). */
export type Then = (() => Promise<void>) | null;

export const text = (v: Values, id: string): string => v[id]?.[id]?.value ?? '';
export const selected = (v: Values, id: string): string | undefined =>
  v[id]?.[id]?.selected_option?.value ?? undefined;
/** The block the form has for `id`: itself, or `id:<client id>` once filled from a known client. */
const blockOf = (v: Values, id: string): string =>
  id in v ? id : (Object.keys(v).find((k) => k.startsWith(`${id}:`)) ?? id);
/** A client-detail field's value, wherever its block is. */
export const detail = (v: Values, id: string): string | null => {
  const e = v[blockOf(v, id)]?.[id];
  return (e?.selected_option?.value ?? e?.value ?? null) || null;
};

/** The key that makes a submission stored once, however often Slack sends it. */
const requestKey = (a: ViewArgs): string => `view:${a.view.id}`;

/** A submission, parsed: who sent it, the form's metadata and fields, and its request key. */
export interface Submission {
  readonly a: ViewArgs;
  readonly team: string;
  readonly user: string;
  readonly meta: ModalMeta;
  readonly values: Values;
  /** Makes the submission stored once, however often Slack sends it (see requestKey). */
  readonly key: string;
}

/** A submission of a form about one case: `act` is the submitter's act on it, stored once. */
export interface CaseSubmission extends Submission {
  readonly caseId: number;
  readonly act: CaseAct;
}

/** The case a submission is about, and the act on it: its sender, stored once per view. */
const onCase = (s: Submission, caseId: number) => ({
  ...s,
  caseId,
  act: { teamId: s.team, caseId, actor: s.user, requestKey: s.key },
});

/** A submission of a step's form: the case, the step, and the case version it was drawn from. */
export interface StepSubmission extends CaseSubmission {
  readonly step: StepKey;
  readonly version: number | null;
}

/**
 * A form's listener. Input problems answer inside the modal (response_action: errors, beside the
 * field the error names, else beside `errorBlock`) and change nothing; a valid submission is
 * stored, acknowledged, then shown in Slack.
 */
export function onSubmit(
  deps: ListenerDeps,
  errorBlock: string,
  run: (s: Submission) => Promise<Then>,
) {
  return async (args: ViewArgs) => {
    const team = teamOf(args.body);
    const user = args.body.user.id;
    const meta = decodeMeta(args.view.private_metadata);
    if (!team || !meta) {
      await args.ack({
        response_action: 'errors',
        errors: { [errorBlock]: (await catFor(deps, team ?? '', user)).errors.invalid_input },
      });
      return;
    }
    const cat = await catFor(deps, team, user);
    let then: Then;
    try {
      then = await run({
        a: args,
        team,
        user,
        meta,
        values: args.view.state.values,
        key: requestKey(args),
      });
    } catch (e) {
      if (e instanceof DomainError && e.code === 'duplicate_request') {
        await args.ack();
        return;
      }
      const block = blockOf(
        args.view.state.values,
        e instanceof DomainError && e.detail && e.detail in INPUT_BY_DETAIL
          ? (INPUT_BY_DETAIL[e.detail] as string)
          : errorBlock,
      );
      await args.ack({
        response_action: 'errors',
        errors: { [block]: friendly(e, cat, deps.log) },
      });
      return;
    }
    await args.ack();
    if (then) await then().catch((e) => deps.log.error('after submission', { err: e }));
  };
}

/** The field an error's detail is about, to show the error beside it. */
const INPUT_BY_DETAIL: Record<string, string> = {
  client: INPUT.client,
  client_too_long: INPUT.client,
  owner: INPUT.owner,
  summary: INPUT.summary,
  summary_too_long: INPUT.summary,
  due_in_past: INPUT.dueDate,
  due_time_without_date: INPUT.dueDate,
  meeting_in_past: INPUT.meetingDate,
  meeting_unchanged: INPUT.meetingDate,
  meeting_date: INPUT.meetingDate,
  outline_happened: INPUT.happened,
  outline_why: INPUT.why,
  outline_prevention: INPUT.prevention,
  outline_summary: INPUT.twoSentences,
  outline_happened_too_long: INPUT.happened,
  outline_why_too_long: INPUT.why,
  outline_prevention_too_long: INPUT.prevention,
  outline_summary_too_long: INPUT.twoSentences,
  reason_too_long: INPUT.reason,
  channel: INPUT.channel,
  channel_shared: INPUT.channel,
  change_what: INPUT.changeWhat,
  change_too_long: INPUT.changeWhat,
  too_many_changes: INPUT.changeWhat,
  change_by_past: INPUT.changeBy,
  draft_subject: INPUT.draftSubject,
  draft_body: INPUT.draftBody,
  client_pick: INPUT.clientPick,
  client_email: INPUT.clientEmail,
  client_tz: INPUT.clientTz,
  client_lang: INPUT.clientLang,
  client_contact_too_long: INPUT.clientContact,
  client_place_too_long: INPUT.clientPlace,
  meeting_place_too_long: INPUT.meetingPlace,
  meeting_length: INPUT.meetingLength,
  owner_unchanged: INPUT.owner,
  severity: INPUT.severity,
  severity_unchanged: INPUT.severity,
  outline_unchanged: INPUT.happened,
};

/**
 * The change and its thread lines, written in the case's language, stored in one transaction; the
 * lines are posted after the ack.
 */
export const announce = (
  deps: ListenerDeps,
  change: () => Promise<Changed>,
  say: (ch: Changed, cat: Catalog) => LineBody | readonly LineBody[],
) => deps.cases.announce(change, (ch) => say(ch, t(ch.case.lang)));

/** After the ack: the change shown in Slack. */
export const shown =
  (deps: ListenerDeps, ch: Changed): Then =>
  () =>
    deps.presenter.afterChange(ch.case);

/** The listener of a form about one case: a form without one in its metadata is not ours. */
export function onCaseSubmit(
  deps: ListenerDeps,
  errorBlock: string,
  run: (s: CaseSubmission) => Promise<Then>,
) {
  return onSubmit(deps, errorBlock, async (s) => {
    if (!s.meta.caseId) throw new DomainError('case_not_found');
    return run(onCase(s, s.meta.caseId));
  });
}

/** The listener of a step's form: a form without its case and step in the metadata is not ours. */
export function onStepSubmit(
  deps: ListenerDeps,
  errorBlock: string,
  run: (s: StepSubmission) => Promise<Then>,
) {
  return onSubmit(deps, errorBlock, async (s) => {
    if (!s.meta.caseId || !s.meta.step) throw new DomainError('case_not_found');
    return run({ ...onCase(s, s.meta.caseId), step: s.meta.step, version: s.meta.version ?? null });
  });
}

/**
 * A step's form whose one field is a note (a follow-up's, a skip's reason): the change stored with
 * it, and its thread line quoting the note under the field's label.
 */
export function onStepNote(
  deps: ListenerDeps,
  field: string,
  o: {
    readonly record: (r: StepNoteRequest) => Promise<Changed>;
    readonly label: (cat: Catalog) => string;
    readonly line: (ch: Changed, cat: Catalog, s: StepSubmission) => string;
  },
) {
  return onStepSubmit(deps, field, async (s) => {
    const note = text(s.values, field);
    const ch = await announce(
      deps,
      () => o.record({ ...s.act, key: s.step, note, version: s.version }),
      (ch, cat) => withUserText(o.line(ch, cat, s), [[o.label(cat), note.trim()]]),
    );
    return shown(deps, ch);
  });
}
