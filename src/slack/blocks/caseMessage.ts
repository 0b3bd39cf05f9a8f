import type { types } from '@slack/bolt';
import { type Playbook, type StepKey, stepDef } from '../../domain/playbook.js';
import {
  cadenceOf,
  heldByRefusal,
  isOpen,
  NOT_NEEDED_AFTER_ANSWER,
  outOfPlay,
  ownUpMinutes,
  type RecoveryCase,
  type Step,
  stepView,
} from '../../domain/recoveryCase.js';
import { type Catalog, t } from '../../i18n/index.js';
import { isChannelProblem } from '../errors.js';
import {
  ACTION,
  type CaseMenuChoice,
  encodeCase,
  encodeChange,
  encodeMenu,
  encodeSnooze,
  encodeStep,
  isPermalink,
} from '../ids.js';
import {
  clip,
  dateToken,
  dayToken,
  escapeMrkdwn,
  literal,
  md,
  mention,
  plain,
  span,
} from './format.js';

type Block = types.KnownBlock;
type ActionElement = types.Button | types.Overflow;

export interface Rendered {
  readonly text: string;
  readonly blocks: Block[];
}

const STATE_EMOJI = {
  waiting: ':hourglass:',
  pending: ':radio_button:',
  overdue: ':red_circle:',
  snoozed: ':zzz:',
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
} as const;

export function stepTitle(key: StepKey, pb: Playbook, cat: Catalog): string {
  return stepDef(pb, key)?.title ?? cat.stepTitle[key];
}

function stepLine(c: RecoveryCase, s: Step, pb: Playbook, cat: Catalog, now: Date): string {
  // A closed case shows nothing as due or overdue: its reminders have stopped.
  const live = c.status === 'open';
  // After a refusal a step from before the answer is open but not chased: never "overdue".
  const held = heldByRefusal(c, s, pb);
  const view = live && !held ? stepView(s, now) : s.status;
  // In a closed case a step left open is neither to do nor overdue any more: just its name.
  if (!live && (isOpen(s) || s.status === 'waiting'))
    return `:white_circle: ${literal(stepTitle(s.key, pb, cat))}`;
  const parts = [
    `${STATE_EMOJI[view]} *${literal(stepTitle(s.key, pb, cat))}*`,
    cat.stepState[view],
  ];
  if (s.status === 'done' && s.doneBy && s.doneAt)
    parts.push(cat.case.doneBy(mention(s.doneBy), dateToken(s.doneAt)));
  else if (held) parts.push(cat.case.heldAfterRefusal);
  else if (live && s.status === 'snoozed' && s.snoozedUntil)
    parts.push(cat.case.snoozedUntil(dateToken(s.snoozedUntil)));
  else if (live && isOpen(s) && s.dueAt) parts.push(cat.case.due(dateToken(s.dueAt)));
  else if (live && isOpen(s) && stepDef(pb, s.key)?.due[c.severity] === 'meeting')
    parts.push(cat.case.withMeeting);
  let line = parts.join(' · ');
  if (s.status === 'skipped' && s.note === NOT_NEEDED_AFTER_ANSWER)
    line += `\n>${cat.case.notNeeded}`;
  else if (s.note && s.status === 'skipped')
    line += `\n>${clip(literal(cat.case.skipReason(s.note)), 300)}`;
  if (s.note && s.status === 'done' && s.key === 'compensation')
    line += `\n>${clip(literal(cat.case.offered(s.note)), 300)}`;
  return line;
}

/**
 * A follow-up cadence's record after its step line: the follow-ups recorded, and the dates that
 * went by with none recorded (open or ended case alike: the record stays true).
 */
function cadenceRecord(s: Step, pb: Playbook, cat: Catalog): string {
  const log = cadenceOf(s);
  if (!stepDef(pb, s.key)?.cadenceDays || log.recorded + log.missed.length === 0) return '';
  const count = s.key === 'check_in' ? cat.case.checkIns : cat.case.followUps;
  const missed = log.missed.length
    ? `\n>${cat.case.missed(log.missed.map(dayToken).join(', '))}`
    : '';
  return ` · ${count(log.recorded)}${missed}`;
}

/**
 * The buttons for an open step: on the case message and on every nudge about it. A step held open
 * after a refusal gets no reminders, so it offers no snooze.
 */
export function stepButtons(c: RecoveryCase, s: Step, pb: Playbook, cat: Catalog): ActionElement[] {
  const ref = { caseId: c.id, step: s.key, version: s.version };
  const value = encodeStep(ref);
  const els: ActionElement[] = [];
  const primary = (text: string, action_id: string): types.Button => ({
    type: 'button',
    style: 'primary',
    text: plain(text, 75),
    action_id,
    value,
  });
  const secondary = (text: string, action_id: string): types.Button => ({
    type: 'button',
    text: plain(text, 75),
    action_id,
    value,
  });
  switch (s.key) {
    case 'outline':
      els.push(primary(cat.button.outline, ACTION.outline));
      break;
    case 'meeting':
    case 'fix_meeting':
      els.push(primary(cat.button.meeting, ACTION.meeting));
      break;
    case 'compensation':
      els.push(primary(cat.button.compensation, ACTION.compensation));
      break;
    case 'client_answer':
      break;
    case 'corrective_changes':
      els.push(primary(cat.changes.add, ACTION.addChange));
      els.push(secondary(cat.button.done, ACTION.done));
      break;
    case 'keep_trying':
    case 'check_in':
      els.push(primary(cat.button.recordFollowUp, ACTION.followUp));
      if (s.key === 'check_in') els.push(secondary(cat.button.done, ACTION.done));
      break;
    case 'own_up':
      // Done on the own-up stamps the own-up clock: asked first, as the client's answers are.
      els.push({
        ...primary(cat.button.done, ACTION.done),
        confirm: {
          title: plain(cat.corrections.confirmOwnUp.title, 100),
          text: plain(cat.corrections.confirmOwnUp.text, 300),
          confirm: plain(cat.corrections.confirmOwnUp.confirm, 30),
          deny: plain(cat.corrections.confirmOwnUp.deny, 30),
        },
      });
      break;
    default:
      els.push(primary(cat.button.done, ACTION.done));
  }
  if (!heldByRefusal(c, s, pb))
    els.push({
      type: 'overflow',
      action_id: ACTION.snooze,
      options: [
        {
          text: plain(`${cat.button.snooze}: ${cat.snooze.hour}`, 75),
          value: encodeSnooze(ref, 'hour'),
        },
        {
          text: plain(`${cat.button.snooze}: ${cat.snooze.tomorrow}`, 75),
          value: encodeSnooze(ref, 'tomorrow'),
        },
        {
          text: plain(`${cat.button.snooze}: ${cat.snooze.nextWeek}`, 75),
          value: encodeSnooze(ref, 'next_week'),
        },
      ],
    });
  if (s.optional) els.push(secondary(cat.button.skip, ACTION.skip));
  return els;
}

export function answerButtons(c: RecoveryCase, cat: Catalog): types.Button[] {
  const value = encodeCase({ caseId: c.id, version: c.version });
  const out: types.Button[] = [];
  if (c.answer !== 'accepted')
    out.push({
      type: 'button',
      style: 'primary',
      text: plain(cat.button.accepted, 75),
      action_id: ACTION.accepted,
      value,
      confirm: {
        title: plain(cat.corrections.confirmAccepted.title, 100),
        text: plain(cat.corrections.confirmAccepted.text, 300),
        confirm: plain(cat.corrections.confirmAccepted.confirm, 30),
        deny: plain(cat.corrections.confirmAccepted.deny, 30),
      },
    });
  if (c.answer === null) {
    out.push({
      type: 'button',
      text: plain(cat.button.refused, 75),
      action_id: ACTION.refused,
      value,
      confirm: {
        title: plain(cat.confirmRefused.title, 100),
        text: plain(cat.confirmRefused.text, 300),
        confirm: plain(cat.confirmRefused.confirm, 30),
        deny: plain(cat.confirmRefused.deny, 30),
      },
    });
  }
  return out;
}

export function closeButton(c: RecoveryCase, cat: Catalog): types.Button {
  return {
    type: 'button',
    style: 'danger',
    text: plain(cat.button.close, 75),
    action_id: ACTION.close,
    value: encodeCase({ caseId: c.id, version: c.version }),
    confirm: {
      title: plain(cat.confirmClose.title, 100),
      text: plain(cat.confirmClose.text, 300),
      confirm: plain(cat.confirmClose.confirm, 30),
      deny: plain(cat.confirmClose.deny, 30),
      style: 'danger',
    },
  };
}

/**
 * The less frequent actions, in one overflow menu so the message does not grow a wall of buttons:
 * hand over, change the severity, edit the outline (once written), cancel the meeting (while one
 * is to come).
 */
export function caseMenu(c: RecoveryCase, cat: Catalog, now: Date): types.Overflow {
  const ref = { caseId: c.id, version: c.version };
  const m = cat.corrections.menu;
  const choices: [CaseMenuChoice, string][] = [
    ['owner', m.owner],
    ['severity', m.severity],
    ...(c.outline ? [['outline', m.outline] as [CaseMenuChoice, string]] : []),
    ...(c.meetingAt && c.meetingAt > now
      ? [['cancel_meeting', m.cancelMeeting] as [CaseMenuChoice, string]]
      : []),
    ...(c.fixMeetingAt && c.fixMeetingAt > now
      ? [['cancel_fix_meeting', m.cancelFixMeeting] as [CaseMenuChoice, string]]
      : []),
  ];
  return {
    type: 'overflow',
    action_id: ACTION.caseMenu,
    options: choices.map(([choice, label]) => ({
      text: plain(label, 75),
      value: encodeMenu(ref, choice),
    })),
  };
}

/**
 * One line per corrective change; the open ones with Done and Drop (at most MAX_CHANGES). An open
 * promise past its date reads as overdue, like a step; on an ended case it reads as not done.
 */
export function changeBlocks(c: RecoveryCase, cat: Catalog, now: Date): Block[] {
  const out: Block[] = [];
  for (const x of c.changes) {
    const ended = c.status !== 'open' && x.status === 'open';
    const overdue = !ended && x.status === 'open' && !!x.by && x.by <= now;
    const mark =
      x.status === 'done'
        ? ':white_check_mark:'
        : x.status === 'dropped'
          ? ':fast_forward:'
          : ended
            ? ':white_circle:'
            : overdue
              ? STATE_EMOJI.overdue
              : ':hammer_and_wrench:';
    // A change done or dropped is not due any more, nor one left open when the case ended.
    const due = x.by && x.status === 'open' ? cat.case.due(dateToken(x.by)) : '';
    let text = `${mark} ${cat.changes.line(
      clip(literal(x.what), 300),
      x.who ? mention(x.who) : '',
      ended ? cat.changes.notDone : overdue ? `${cat.stepState.overdue} · ${due}` : due,
    )}`;
    if (x.status === 'dropped' && x.reason)
      text += `\n>${clip(literal(cat.changes.dropped(x.reason)), 300)}`;
    const live = c.status === 'open' && x.status === 'open';
    out.push({
      type: 'section',
      block_id: `change_${x.id}`,
      text: md(text),
      ...(live
        ? {
            accessory: {
              type: 'overflow',
              action_id: ACTION.changeDrop,
              options: [
                {
                  text: plain(cat.changes.drop, 75),
                  value: encodeChange({ caseId: c.id, change: x.id, version: c.version }),
                },
              ],
            },
          }
        : {}),
    });
    if (live)
      out.push({
        type: 'actions',
        block_id: `change_actions_${x.id}`,
        elements: [
          {
            type: 'button',
            text: plain(cat.changes.done, 75),
            action_id: ACTION.changeDone,
            value: encodeChange({ caseId: c.id, change: x.id, version: c.version }),
          },
        ],
      });
  }
  return out;
}

/** The case's parent message: header, what happened, owner, own-up clock and the checklist with buttons. */
export function renderCase(c: RecoveryCase, pb: Playbook, now: Date): Rendered {
  const cat = t(c.lang);
  const sev = cat.severity[c.severity];
  const blocks: Block[] = [
    { type: 'header', block_id: 'case_header', text: plain(cat.case.header(c.client, sev), 150) },
    { type: 'section', block_id: 'case_summary_label', text: md(`*${cat.case.whatHappened}*`) },
    { type: 'section', block_id: 'case_summary', text: plain(c.summary, 3000) },
  ];
  const facts = [
    cat.case.owner(mention(c.ownerId)),
    cat.case.openedBy(mention(c.creatorId), dateToken(c.createdAt)),
  ];
  const told = ownUpMinutes(c);
  if (told !== null) facts.push(cat.case.toldAfter(span(told, cat)));
  // Not once the client has answered: an answer means the client was told, whatever was clicked.
  else if (c.status === 'open' && c.answer === null)
    // No running count here: the message is not redrawn every minute, and a count would go stale.
    // The opening time beside it is a date token every reader sees in their own zone.
    facts.push(cat.case.notToldYet);
  if (c.meetingAt) facts.push(cat.case.meetingAt(dateToken(c.meetingAt)));
  if (c.fixMeetingAt) facts.push(cat.case.fixMeetingAt(dateToken(c.fixMeetingAt)));
  if (c.clientChannelId) facts.push(cat.shared.clientChannel(`<#${c.clientChannelId}>`));
  // Opened from a message (the message shortcut): a link back to it.
  if (c.sourceLink && isPermalink(c.sourceLink))
    facts.push(`<${c.sourceLink}|${escapeMrkdwn(cat.case.fromMessage)}>`);
  // Once the case has ended, a refusal is no longer "for now".
  if (c.answer)
    facts.push(
      c.status !== 'open' && c.answer === 'refused'
        ? cat.case.refusedEnded
        : cat.case.answer[c.answer],
    );
  blocks.push({ type: 'context', block_id: 'case_facts', elements: [md(facts.join('  ·  '))] });
  if (c.status === 'open' && c.calm.stalledAt)
    blocks.push({
      type: 'context',
      block_id: 'case_stalled',
      elements: [
        md(
          // A refused case goes quiet on its follow-ups, and keeps to their dates afterwards.
          (c.answer === 'refused' ? cat.case.stalledRefused : cat.case.stalled)(
            dateToken(c.calm.lastActionAt),
          ),
        ),
      ],
    });
  if (c.deliveryProblem)
    blocks.push({
      type: 'context',
      block_id: 'case_problem',
      // In words, never Slack's code: a problem of the channel only a person can fix, or Slack
      // failing for a while (Amends tries again by itself).
      elements: [
        md(
          isChannelProblem(c.deliveryProblem)
            ? cat.case.deliveryProblem
            : cat.case.deliveryRetrying,
        ),
      ],
    });
  blocks.push({ type: 'divider' });

  for (const s of c.steps) {
    // Keep trying once the client accepted, check-ins once they refused: never to start, not shown.
    if (outOfPlay(c, s, pb)) continue;
    blocks.push({
      type: 'section',
      block_id: `step_${s.key}`,
      text: md(stepLine(c, s, pb, cat, now) + cadenceRecord(s, pb, cat)),
    });
    if (c.status === 'open' && isOpen(s)) {
      blocks.push({
        type: 'actions',
        block_id: `actions_${s.key}`,
        elements: stepButtons(c, s, pb, cat),
      });
    }
    if (s.key === 'corrective_changes') blocks.push(...changeBlocks(c, cat, now));
  }
  blocks.push({ type: 'divider' });
  if (c.status === 'open') {
    // Once the outline exists, the message to the client can be drafted from it.
    // A booked meeting can move: the new invite replaces the old one (same UID, higher SEQUENCE).
    // So can the second meeting, to show the fix.
    const moveButton = (at: Date | null, label: string, action_id: string): types.Button[] =>
      at && at > now
        ? [
            {
              type: 'button',
              text: plain(label, 75),
              action_id,
              value: encodeCase({ caseId: c.id, version: c.version }),
            },
          ]
        : [];
    const move = [
      ...moveButton(c.meetingAt, cat.button.moveMeeting, ACTION.moveMeeting),
      ...moveButton(c.fixMeetingAt, cat.button.moveFixMeeting, ACTION.moveFixMeeting),
    ];
    const draft: types.Button[] = c.outline
      ? [
          {
            type: 'button',
            text: plain(cat.draft.button, 75),
            action_id: ACTION.draft,
            value: encodeCase({ caseId: c.id, version: c.version }),
          },
        ]
      : [];
    blocks.push({
      type: 'actions',
      block_id: 'case_actions',
      elements: [
        ...draft,
        ...move,
        ...answerButtons(c, cat),
        closeButton(c, cat),
        caseMenu(c, cat, now),
      ],
    });
  } else {
    const lines = [cat.case.ended(cat.outcome[c.status], c.closedAt ? dateToken(c.closedAt) : '')];
    if (c.outcomeReason) lines.push(literal(cat.case.reason(c.outcomeReason)));
    blocks.push({ type: 'context', block_id: 'case_outcome', elements: [md(lines.join('\n'))] });
  }
  return { text: clip(cat.case.fallback(escapeMrkdwn(c.client), sev), 3000), blocks };
}
