import type {
  AllMiddlewareArgs,
  App,
  SlackViewMiddlewareArgs,
  types,
  ViewSubmitAction,
} from '@slack/bolt';
import {
  checkClientDetails,
  checkMeetingDetails,
  DEFAULT_MEETING_LENGTH,
} from '../../../domain/client.js';
import { DomainError } from '../../../domain/errors.js';
import { SEVERITIES, type Severity } from '../../../domain/playbook.js';
import { type Changed, findStep, type Outcome } from '../../../domain/recoveryCase.js';
import { localToInstant } from '../../../domain/workingTime.js';
import { type Catalog, isLang, LANGUAGES, t } from '../../../i18n/index.js';
import { inviteLine } from '../../../services/cases.js';
import type { LineBody } from '../../../services/ports.js';
import { CHANNEL_SHARED } from '../../../services/presenter.js';
import { stepTitle } from '../../blocks/caseMessage.js';
import { mailtoLink } from '../../blocks/draft.js';
import { dateToken, dayToken, literal, mention, timeToken } from '../../blocks/format.js';
import { OUTCOMES } from '../../blocks/modals.js';
import { line, movedLines, outlinePost, withUserText } from '../../blocks/thread.js';
import { moveBlocks } from '../../caseView.js';
import { friendly, notShown } from '../../errors.js';
import {
  ACTION,
  decodeMeta,
  encodeCase,
  INPUT,
  isChannelId,
  type ModalMeta,
  VIEW,
} from '../../ids.js';
import { byId, catFor, type ListenerDeps, teamOf, unhandled } from '../deps.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = ViewSubmitAction['view']['state']['values'];

const text = (v: Values, id: string): string => v[id]?.[id]?.value ?? '';
const selected = (v: Values, id: string): string | undefined =>
  v[id]?.[id]?.selected_option?.value ?? undefined;
/** The block the form has for `id`: itself, or `id:<client id>` once filled from a known client. */
const blockOf = (v: Values, id: string): string =>
  id in v ? id : (Object.keys(v).find((k) => k.startsWith(`${id}:`)) ?? id);
/** A client-detail field's value, wherever its block is. */
const detail = (v: Values, id: string): string | null => {
  const e = v[blockOf(v, id)]?.[id];
  return (e?.selected_option?.value ?? e?.value ?? null) || null;
};

/**
 * Modal submissions. Input problems answer inside the modal (response_action: errors) and change
 * nothing; a valid submission is stored, acknowledged, then shown in Slack.
 */
function submission(
  deps: ListenerDeps,
  run: (
    a: Args,
    team: string,
    user: string,
    meta: ModalMeta,
  ) => Promise<(() => Promise<void>) | null>,
  errorBlock: string,
) {
  return async (args: Args) => {
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
    let then: (() => Promise<void>) | null;
    try {
      then = await run(args, team, user, meta);
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
    if (then) await then().catch((e) => deps.log('after submission', { error: String(e) }));
  };
}

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

export function registerViews(app: App, deps: ListenerDeps): void {
  const forms = byId<Args>(
    (a) => a.view.callback_id,
    (a) => unhandled(() => a.ack(), deps.log, { kind: 'view', id: a.view.callback_id }),
  );
  const { presenter } = deps;
  // The change and its thread line in one transaction; the line is posted after the ack.
  const announce = (
    change: () => Promise<Changed>,
    say: (ch: Changed, cat: Catalog) => LineBody | readonly LineBody[],
  ) => deps.cases.announce(change, (ch) => say(ch, t(ch.case.lang)));
  const shown = (ch: Changed) => () => presenter.afterChange(ch.case);

  forms.on(
    VIEW.open,
    submission(
      deps,
      async (a, team, user, meta) => {
        const v = a.view.state.values;
        const channelId =
          meta.channelId ?? v[INPUT.channel]?.[INPUT.channel]?.selected_conversation ?? null;
        if (!isChannelId(channelId)) throw new DomainError('invalid_input', 'channel');
        const sev = selected(v, INPUT.severity) ?? 'major';
        if (!(SEVERITIES as readonly string[]).includes(sev))
          throw new DomainError('invalid_input', 'client');
        const owner = v[INPUT.owner]?.[INPUT.owner]?.selected_user ?? user;
        // A person owns the case: never Amends itself (its nudges would go nowhere).
        if (a.context.botUserId && owner === a.context.botUserId)
          throw new DomainError('invalid_input', 'owner');
        const dueDate = v[INPUT.dueDate]?.[INPUT.dueDate]?.selected_date ?? null;
        const dueTime = v[INPUT.dueTime]?.[INPUT.dueTime]?.selected_time ?? null;
        let dueOverride: Date | null = null;
        // A time alone would be dropped without a word: ask for its day instead.
        if (dueTime && !dueDate) throw new DomainError('invalid_input', 'due_time_without_date');
        if (dueDate) {
          // Cached when the form was opened (after that ack), else the default zone.
          const { tz } = await deps.profiles.cachedOrDefault(team, user);
          dueOverride = localToInstant(dueDate, dueTime ?? '18:00', tz);
          if (!dueOverride) throw new DomainError('invalid_input', 'due_in_past');
        }
        const picked = selected(v, INPUT.language);
        if (picked && !isLang(picked)) throw new DomainError('invalid_input', 'client');
        const lang = picked && isLang(picked) ? picked : null;
        // The client: a new name typed, else the one picked from those on record.
        let clientName = text(v, INPUT.client);
        const pickedClient = selected(v, INPUT.clientPick);
        if (!clientName.trim() && pickedClient) {
          const known = /^\d{1,12}$/.test(pickedClient)
            ? await deps.cases.client(team, Number(pickedClient))
            : null;
          if (!known) throw new DomainError('invalid_input', 'client_pick');
          clientName = known.name;
        }
        // Checked before anything is stored: a bad email or zone changes nothing.
        const clientDetails = checkClientDetails(
          {
            contact: detail(v, INPUT.clientContact),
            email: detail(v, INPUT.clientEmail),
            tz: detail(v, INPUT.clientTz),
            lang: detail(v, INPUT.clientLang),
            place: detail(v, INPUT.clientPlace),
          },
          LANGUAGES,
        );
        const c = await deps.cases.open({
          teamId: team,
          channelId,
          creatorId: user,
          ...(lang ? { lang } : {}),
          clientDetails,
          client: clientName,
          summary: text(v, INPUT.summary),
          severity: sev as Severity,
          ownerId: owner,
          dueOverride,
          // Opened from a message (the message shortcut): its permalink stays on the case.
          sourceLink: meta.link ?? null,
          requestKey: `view:${a.view.id}`,
        });
        return async () => {
          const shown = await presenter.publish(c, { keepLang: !!lang });
          const cat = await catFor(deps, team, user);
          const dm = (text: string, blocks?: types.KnownBlock[]) =>
            a.client.chat
              .postMessage({ channel: user, text, ...(blocks ? { blocks } : {}) })
              .catch((e) => deps.log('could not tell the user', { error: String(e) }));
          if (shown.ok) {
            if (shown.movedFrom) await dm(cat.shared.movedTo(`<#${shown.case.channelId}>`));
            return;
          }
          if (shown.code === CHANNEL_SHARED) {
            // The owner has a DM with the move button from the presenter; a creator who is not
            // the owner gets one too.
            if (user !== c.ownerId)
              await dm(cat.shared.notPosted, moveBlocks(c, cat.shared.notPosted, cat));
            return;
          }
          // A private note in the channel fails too when the bot is not in it: tell the user in a DM.
          const note = notShown(shown.code, cat);
          await a.client.chat
            .postMessage({ channel: user, text: note })
            .catch((e) => deps.log('could not tell the user', { error: String(e) }));
        };
      },
      INPUT.client,
    ),
  );

  forms.on(
    VIEW.outline,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const v = a.view.state.values;
        const outline = {
          happened: text(v, INPUT.happened),
          why: text(v, INPUT.why),
          prevention: text(v, INPUT.prevention),
          summary: text(v, INPUT.twoSentences),
        };
        const ch = await announce(
          () => deps.cases.outline(team, meta.caseId as number, outline, user, `view:${a.view.id}`),
          // Saved over an earlier outline: the thread says it changed, and how it reads now.
          (ch, cat) =>
            outlinePost(ch.case.outline ?? outline, user, cat, {
              edited: ch.event.type === 'outline_edited',
            }),
        );
        return shown(ch);
      },
      INPUT.happened,
    ),
  );

  forms.on(
    VIEW.meeting,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const v = a.view.state.values;
        const date = v[INPUT.meetingDate]?.[INPUT.meetingDate]?.selected_date;
        const time = v[INPUT.meetingTime]?.[INPUT.meetingTime]?.selected_time;
        // Cached when the form was opened (after that ack), else the default zone.
        const { tz } = await deps.profiles.cachedOrDefault(team, user);
        const at = date && time ? localToInstant(date, time, tz) : null;
        if (!at) throw new DomainError('invalid_input', 'meeting_date');
        // A form drawn before length and place were asked has neither: an hour, no place.
        const details = checkMeetingDetails(
          text(v, INPUT.meetingPlace),
          selected(v, INPUT.meetingLength) ?? DEFAULT_MEETING_LENGTH,
        );
        const fix = meta.step === 'fix_meeting';
        const key = `view:${a.view.id}`;
        const ch = await announce(
          () =>
            fix
              ? deps.cases.fixMeeting(team, meta.caseId as number, at, user, key, details)
              : deps.cases.meeting(team, meta.caseId as number, at, user, key, details),
          // The line, then the invite: two outbox rows stored with the meeting, sent in order.
          (ch, cat) => [
            line(
              (fix
                ? ch.event.data?.from
                  ? cat.thread.fixMeetingMoved
                  : cat.thread.fixMeeting
                : ch.event.data?.from
                  ? cat.thread.meetingMoved
                  : cat.thread.meeting)(mention(user), dayToken(at), timeToken(at)),
            ),
            inviteLine(fix ? 'fix' : 'meeting', at, ch.case.version),
          ],
        );
        return shown(ch);
      },
      INPUT.meetingDate,
    ),
  );

  // Hand-over: the new owner is told in the thread (mentioned once, in the line stored with the
  // change); after the ack their zone is asked of Slack and the due times follow it.
  forms.on(
    VIEW.owner,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const owner = a.view.state.values[INPUT.owner]?.[INPUT.owner]?.selected_user ?? null;
        if (!owner || (a.context.botUserId && owner === a.context.botUserId))
          throw new DomainError('invalid_input', 'owner');
        // Their zone as cached (or the default) now; Slack's word after the ack.
        const { tz } = await deps.profiles.cachedOrDefault(team, owner);
        const ch = await announce(
          () =>
            deps.cases.changeOwner(
              team,
              meta.caseId as number,
              owner,
              tz,
              user,
              `view:${a.view.id}`,
            ),
          (ch, cat) =>
            line(
              cat.corrections.owner.line(
                mention(user),
                mention(String(ch.event.data?.from ?? '')),
                mention(owner),
              ) + movedLines(ch.event, deps.cases.playbook, cat),
            ),
        );
        return async () => {
          // The zone used was the cached one (or the default): Slack's word moves the due times,
          // and the thread lists what moved (without pinging the new owner a second time).
          let c = ch.case;
          try {
            const { tz } = await deps.profiles.resolve(team, owner, deps.cases.now());
            if (tz !== c.tz)
              c = (
                await announce(
                  () => deps.cases.retimeOwner(team, c.id, owner, tz),
                  (r, cat) => {
                    const moved = movedLines(r.event, deps.cases.playbook, cat);
                    return moved ? [line(cat.corrections.owner.retimed + moved)] : [];
                  },
                )
              ).case;
          } catch (e) {
            if (!(e instanceof DomainError))
              deps.log('the new owner’s zone is not known yet', { caseId: c.id, error: String(e) });
          }
          await presenter.afterChange(c);
        };
      },
      INPUT.owner,
    ),
  );

  forms.on(
    VIEW.severity,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const sev = selected(a.view.state.values, INPUT.severity);
        if (!sev || !(SEVERITIES as readonly string[]).includes(sev))
          throw new DomainError('invalid_input', 'severity');
        const ch = await announce(
          () =>
            deps.cases.changeSeverity(
              team,
              meta.caseId as number,
              sev as Severity,
              user,
              `view:${a.view.id}`,
            ),
          (ch, cat) => {
            const from = String(ch.event.data?.from ?? '') as Severity;
            return line(
              cat.corrections.severity.line(
                mention(user),
                cat.severity[from] ?? from,
                cat.severity[sev as Severity],
              ) + movedLines(ch.event, deps.cases.playbook, cat),
            );
          },
        );
        return shown(ch);
      },
      INPUT.severity,
    ),
  );

  // The meeting is off: the line, then the cancellation's .ics (same UID, higher SEQUENCE), stored
  // with the change and sent in order.
  forms.on(
    VIEW.cancelMeeting,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const fix = meta.step === 'fix_meeting';
        let ch: Changed;
        try {
          ch = await announce(
            () =>
              deps.cases.cancelMeeting(
                team,
                meta.caseId as number,
                user,
                `view:${a.view.id}`,
                fix ? 'fix' : 'meeting',
              ),
            (ch, cat) => {
              const at = new Date(String(ch.event.data?.at));
              return [
                line(
                  (fix ? cat.corrections.cancel.fixLine : cat.corrections.cancel.line)(
                    mention(user),
                    dateToken(at),
                  ),
                ),
                inviteLine(fix ? 'fix' : 'meeting', at, ch.case.version, { cancelled: true }),
              ];
            },
          );
        } catch (e) {
          // The form has no field to show an error beside (the meeting passed, or was cancelled or
          // moved meanwhile): it closes, and a direct message says why nothing changed.
          if (!(e instanceof DomainError) || e.code === 'duplicate_request') throw e;
          const note = friendly(e, await catFor(deps, team, user), deps.log);
          return async () => {
            await a.client.chat
              .postMessage({ channel: user, text: note })
              .catch((err) => deps.log('could not tell the user', { error: String(err) }));
          };
        }
        return shown(ch);
      },
      'cancel_meeting',
    ),
  );

  forms.on(
    VIEW.skip,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId || !meta.step) throw new DomainError('case_not_found');
        const step = meta.step;
        const reason = text(a.view.state.values, INPUT.reason);
        const ch = await announce(
          () =>
            deps.cases.skip(
              team,
              meta.caseId as number,
              step,
              reason,
              user,
              meta.version ?? null,
              `view:${a.view.id}`,
            ),
          (_ch, cat) =>
            withUserText(
              cat.thread.skipped(mention(user), literal(stepTitle(step, deps.cases.playbook, cat))),
              [[cat.modal.skip.reason, reason.trim()]],
            ),
        );
        return shown(ch);
      },
      INPUT.reason,
    ),
  );

  forms.on(
    VIEW.compensation,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const offer = text(a.view.state.values, INPUT.offer);
        const ch = await announce(
          () =>
            deps.cases.recordCompensation(
              team,
              meta.caseId as number,
              offer,
              user,
              meta.version ?? null,
              `view:${a.view.id}`,
            ),
          (_ch, cat) =>
            withUserText(cat.thread.compensation(mention(user)), [
              [cat.modal.compensation.offer, offer.trim()],
            ]),
        );
        return shown(ch);
      },
      INPUT.offer,
    ),
  );

  forms.on(
    VIEW.move,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const to = a.view.state.values[INPUT.channel]?.[INPUT.channel]?.selected_conversation;
        if (!isChannelId(to)) throw new DomainError('invalid_input', 'channel');
        if (presenter.view.knownShared(to))
          throw new DomainError('invalid_input', 'channel_shared');
        const before = await deps.cases.get(team, meta.caseId);
        const fromShared =
          before.deliveryProblem === CHANNEL_SHARED ||
          presenter.view.knownShared(before.channelId) === true;
        const ch = await deps.cases.move(team, meta.caseId, to, user, {
          fromShared,
          requestKey: `view:${a.view.id}`,
        });
        return async () => {
          const cat = await catFor(deps, team, user);
          const shown = await presenter.publish(ch.case);
          if (shown.ok) {
            // What waited for an internal channel goes out there now: lines and held reminders.
            await presenter.deliverLines(shown.case);
            await deps.reminders.channelOpened(team, to);
            return;
          }
          // The owner was told by the presenter (with the move button) when the target is shared.
          if (shown.code === CHANNEL_SHARED && user === ch.case.ownerId) return;
          const note =
            shown.code === CHANNEL_SHARED ? cat.shared.targetShared : notShown(shown.code, cat);
          await a.client.chat
            .postMessage({ channel: user, text: note })
            .catch((e) => deps.log('could not tell the user', { error: String(e) }));
        };
      },
      INPUT.channel,
    ),
  );

  forms.on(
    VIEW.draft,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const v = a.view.state.values;
        const subject = text(v, INPUT.draftSubject);
        const body = text(v, INPUT.draftBody);
        // The link opens the message addressed to the client's contact, when one is on record.
        const to = (await deps.cases.clientOf(await deps.cases.get(team, meta.caseId)))?.email;
        const ch = await announce(
          () =>
            deps.cases.draft(team, meta.caseId as number, subject, body, user, `view:${a.view.id}`),
          (ch, cat) => {
            const r = withUserText(cat.draft.posted(mention(user)), [
              [cat.draft.subject, subject.trim()],
              [cat.draft.body, body.trim()],
            ]);
            const mail = mailtoLink(
              { subject: subject.trim(), body: body.trim() },
              undefined,
              to ?? null,
            );
            const label = mail.clipped ? cat.draft.mailtoClipped : cat.draft.mailto;
            return {
              text: r.text,
              blocks: [
                ...r.blocks,
                {
                  type: 'section',
                  text: { type: 'mrkdwn', text: `:email: <${mail.url}|${label}>` },
                },
                {
                  type: 'actions',
                  elements: [
                    {
                      type: 'button',
                      style: 'primary',
                      text: { type: 'plain_text', text: cat.draft.sent },
                      action_id: ACTION.draftSent,
                      value: encodeCase({ caseId: ch.case.id, version: ch.case.version }),
                    },
                  ],
                },
              ],
            };
          },
        );
        return shown(ch);
      },
      INPUT.draftBody,
    ),
  );

  forms.on(
    VIEW.addChange,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const v = a.view.state.values;
        const what = text(v, INPUT.changeWhat);
        const who = v[INPUT.changeWho]?.[INPUT.changeWho]?.selected_user ?? null;
        const day = v[INPUT.changeBy]?.[INPUT.changeBy]?.selected_date ?? null;
        let by: Date | null = null;
        if (day) {
          // The end of that working day where the case's work is counted: the owner's zone.
          const { tz } = await deps.cases.get(team, meta.caseId);
          by = localToInstant(day, deps.cases.playbook.workingHours.end, tz);
          if (!by) throw new DomainError('invalid_input', 'change_by_past');
        }
        const ch = await announce(
          () =>
            deps.cases.addChange(
              team,
              meta.caseId as number,
              { what, who, by },
              user,
              `view:${a.view.id}`,
            ),
          // Who does it and by when, as the case message lists it.
          (_ch, cat) =>
            line(
              cat.changes.added(
                mention(user),
                cat.changes.line(
                  `*${literal(what.trim())}*`,
                  who ? mention(who) : '',
                  by ? cat.case.due(dateToken(by)) : '',
                ),
              ),
            ),
        );
        return shown(ch);
      },
      INPUT.changeWhat,
    ),
  );

  forms.on(
    VIEW.dropChange,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId || !meta.change) throw new DomainError('case_not_found');
        const reason = text(a.view.state.values, INPUT.reason);
        const change = meta.change;
        const ch = await announce(
          () =>
            deps.cases.settleChange(
              team,
              meta.caseId as number,
              change,
              reason,
              user,
              meta.version ?? null,
              `view:${a.view.id}`,
            ),
          (ch, cat) => {
            const x = ch.case.changes.find((y) => y.id === change);
            return withUserText(cat.changes.droppedLine(mention(user), literal(x?.what ?? '')), [
              [cat.changes.dropReason, reason.trim()],
            ]);
          },
        );
        return shown(ch);
      },
      INPUT.reason,
    ),
  );

  forms.on(
    VIEW.followUp,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId || !meta.step) throw new DomainError('case_not_found');
        const step = meta.step;
        const note = text(a.view.state.values, INPUT.followUpNote);
        const ch = await announce(
          () =>
            deps.cases.followUp(
              team,
              meta.caseId as number,
              step,
              note,
              user,
              meta.version ?? null,
              `view:${a.view.id}`,
            ),
          (ch, cat) => {
            const s = findStep(ch.case, step);
            const next = s.dueAt;
            // A check-in (after a win) is said as one, not as trying again; after the last
            // planned one, what comes is the offer to close.
            const checkIn = step === 'check_in';
            const said = next
              ? (checkIn ? cat.thread.checkedIn : cat.thread.followUp)(
                  mention(user),
                  dateToken(next),
                )
              : (checkIn ? cat.thread.checkedInLast : cat.thread.followUpLast)(
                  mention(user),
                  s.nextRemindAt ? dateToken(s.nextRemindAt) : '',
                );
            return withUserText(said, [[cat.modal.followUp.note, note.trim()]]);
          },
        );
        return shown(ch);
      },
      INPUT.followUpNote,
    ),
  );

  forms.on(
    VIEW.close,
    submission(
      deps,
      async (a, team, user, meta) => {
        if (!meta.caseId) throw new DomainError('case_not_found');
        const v = a.view.state.values;
        const outcome = selected(v, INPUT.outcome);
        if (!outcome || !(OUTCOMES as readonly string[]).includes(outcome))
          throw new DomainError('invalid_input', 'outcome');
        const reason = text(v, INPUT.reason);
        const ch = await announce(
          () =>
            deps.cases.close(
              team,
              meta.caseId as number,
              outcome as Outcome,
              reason || null,
              user,
              `view:${a.view.id}`,
            ),
          (_ch, cat) => line(cat.thread.closed(mention(user), cat.outcome[outcome as Outcome])),
        );
        return shown(ch);
      },
      INPUT.reason,
    ),
  );
  app.view({ type: 'view_submission' }, forms.dispatch);
}
