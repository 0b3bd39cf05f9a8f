import type { types } from '@slack/bolt';
import type { Playbook, StepKey } from '../../domain/playbook.js';
import { stepDef } from '../../domain/playbook.js';
import {
  cadenceOf,
  cadencePoints,
  heldByRefusal,
  type RecoveryCase,
  type Step,
  stepView,
} from '../../domain/recoveryCase.js';
import { localDay, type ReminderKind } from '../../domain/reminders.js';
import { t } from '../../i18n/index.js';
import { ACTION, encodeCase } from '../ids.js';
import {
  answerButtons,
  changeBlocks,
  closeButton,
  type Rendered,
  stepButtons,
  stepTitle,
} from './caseMessage.js';
import { dateToken, dayToken, literal, md, mention, mentionTarget, plain } from './format.js';

export const REMINDER_EVENT_TYPE = 'amends_reminder';

export interface ReminderInput {
  readonly kind: ReminderKind;
  readonly occurrence: number;
  readonly stepKey: StepKey;
}

/**
 * Steps that need the owner besides the one a post leads with: open, not snoozed, and overdue
 * (a follow-up cadence speaks in its own posts; after a refusal, steps from before it are held).
 */
export function alsoWaiting(c: RecoveryCase, pb: Playbook, lead: StepKey, now: Date): Step[] {
  return c.steps.filter(
    (s) =>
      s.key !== lead &&
      stepView(s, now) === 'overdue' &&
      !!stepDef(pb, s.key) &&
      !stepDef(pb, s.key)?.cadenceDays &&
      !heldByRefusal(c, s, pb),
  );
}

/**
 * A follow-up prompt (keep trying, check-in): numbered by the follow-ups recorded, saying when it
 * is the last planned one and which dates went by with nothing recorded; after a refusal, it names
 * what is still open from before the answer as part of the small ask.
 */
function followUpText(
  c: RecoveryCase,
  s: Step,
  pb: Playbook,
  cat: ReturnType<typeof t>,
  owner: string,
  occurrence: number,
): string {
  const log = cadenceOf(s);
  const n = log.recorded + 1;
  const checkIn = s.key === 'check_in';
  const ideas = cat.nudge.keepTryingIdeas;
  const parts = [
    checkIn
      ? cat.nudge.checkIn(owner, n)
      : cat.nudge.keepTrying(owner, n, ideas[(occurrence - 1) % ideas.length] ?? ''),
  ];
  const last = cadencePoints(c, s, pb).at(-1);
  if (last && s.dueAt?.getTime() === last.getTime())
    parts.push(checkIn ? cat.nudge.lastCheckIn : cat.nudge.lastFollowUp);
  if (log.missed.length)
    parts.push(cat.nudge.cadenceMissed(log.missed.length, log.missed.map(dayToken).join(', ')));
  // What was due before the answer (an undated optional step, like the second meeting, is not).
  const held = c.steps.filter((x) => heldByRefusal(c, x, pb) && x.dueAt);
  if (!checkIn && held.length)
    parts.push(
      cat.nudge.stillOpen(held.map((x) => `*${literal(stepTitle(x.key, pb, cat))}*`).join(', ')),
    );
  return parts.join(' ');
}

/** Each open promise nudged like a step: its line with Done and Drop. */
function openChangeBlocks(
  c: RecoveryCase,
  cat: ReturnType<typeof t>,
  now: Date,
): types.KnownBlock[] {
  return changeBlocks({ ...c, changes: c.changes.filter((x) => x.status === 'open') }, cat, now);
}

function others(c: RecoveryCase, pb: Playbook): string {
  return [
    c.creatorId !== c.ownerId ? mention(c.creatorId) : null,
    pb.escalationTarget ? mentionTarget(pb.escalationTarget) : null,
  ]
    .filter((x): x is string => !!x)
    .join(', ');
}

/**
 * The post in a case thread: specific words from the method for the step it leads with, and
 * that step's buttons; then every other step that needs attention, each with its own buttons,
 * drawn from the case as stored when it is sent (so a case says everything in one post a day).
 */
export function renderReminder(
  r: ReminderInput,
  c: RecoveryCase,
  pb: Playbook,
  now: Date,
  o: { ownerName?: string | null } = {},
): Rendered {
  const cat = t(c.lang);
  const s = c.steps.find((x) => x.key === r.stepKey);
  // The owner's morning digest already listed this case today: name them without a ping.
  const quiet = c.calm.digestOn !== null && c.calm.digestOn === localDay(now, c.tz);
  const owner = quiet ? `*${literal(o.ownerName ?? cat.digest.owner)}*` : mention(c.ownerId);
  const title = literal(stepTitle(r.stepKey, pb, cat));
  const due = s?.dueAt ? dateToken(s.dueAt) : '';
  let text: string;
  let extra: types.KnownBlock[] = [];
  switch (r.kind) {
    case 'escalation': {
      const o = others(c, pb);
      text = o
        ? cat.nudge.escalation(owner, title, due, o)
        : cat.nudge.escalationAlone(owner, title, due);
      break;
    }
    case 'stalled': {
      const o = others(c, pb);
      const since = dateToken(c.calm.lastActionAt);
      // A refused case goes quiet on its follow-ups, and keeps to their dates afterwards.
      if (stepDef(pb, r.stepKey)?.cadenceDays)
        text = o
          ? cat.nudge.stalledRefused(owner, since, o)
          : cat.nudge.stalledRefusedAlone(owner, since);
      else text = o ? cat.nudge.stalled(owner, since, o) : cat.nudge.stalledAlone(owner, since);
      break;
    }
    case 'meeting_prep': {
      const when = c.meetingAt ? dateToken(c.meetingAt) : '';
      text = c.outline
        ? cat.nudge.meetingPrep(owner, when)
        : cat.nudge.meetingPrepNoOutline(owner, when);
      if (c.outline) {
        extra = [
          { type: 'context', elements: [md(`*${cat.outline.summary}*`)] },
          { type: 'section', text: plain(c.outline.summary, 3000) },
        ];
      }
      text = `${text}\n${cat.why.apologize}`;
      break;
    }
    case 'cadence':
      text = s ? followUpText(c, s, pb, cat, owner, r.occurrence) : '';
      break;
    case 'cadence_end': {
      // The offer to close, with what the follow-ups add up to.
      const log = s ? cadenceOf(s) : null;
      const checkIn = r.stepKey === 'check_in';
      text = checkIn ? cat.nudge.checkInEnd(owner) : cat.nudge.keepTryingEnd(owner);
      if (log && log.recorded + log.missed.length > 0)
        text += ` ${(checkIn ? cat.nudge.checkInTally : cat.nudge.followUpTally)(log.recorded, log.missed.length)}`;
      break;
    }
    default:
      text =
        r.occurrence === 1 || !s?.dueAt
          ? cat.nudge.due(owner, title, cat.why[r.stepKey])
          : cat.nudge.again(owner, title, due);
  }
  const blocks: types.KnownBlock[] = [{ type: 'section', text: md(text) }, ...extra];
  if (r.kind === 'cadence_end' && r.stepKey === 'keep_trying') {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: plain(cat.button.moreFollowUps, 75),
          action_id: ACTION.moreFollowUps,
          value: encodeCase({ caseId: c.id, version: c.version }),
        },
        closeButton(c, cat),
      ],
    });
  } else if (r.kind === 'cadence_end') {
    blocks.push({ type: 'actions', elements: [closeButton(c, cat)] });
  } else if (s && stepDef(pb, s.key) && (s.status === 'pending' || s.status === 'snoozed')) {
    // Asking for the client's answer? Let the owner record it right from the nudge.
    const answer = s.key === 'client_answer' ? answerButtons(c, cat) : [];
    blocks.push({ type: 'actions', elements: [...answer, ...stepButtons(c, s, pb, cat)] });
  }
  if (r.stepKey === 'corrective_changes') blocks.push(...openChangeBlocks(c, cat, now));
  const rest = alsoWaiting(c, pb, r.stepKey, now);
  if (rest.length && c.status === 'open') {
    blocks.push({ type: 'context', elements: [md(`*${cat.nudge.alsoOpen}*`)] });
    for (const x of rest.slice(0, 8)) {
      const xDue = ` · ${cat.stepState.overdue}${x.dueAt ? ` · ${cat.case.due(dateToken(x.dueAt))}` : ''}`;
      blocks.push({
        type: 'section',
        text: md(`• *${literal(stepTitle(x.key, pb, cat))}*${xDue}`),
      });
      const answer = x.key === 'client_answer' ? answerButtons(c, cat) : [];
      blocks.push({ type: 'actions', elements: [...answer, ...stepButtons(c, x, pb, cat)] });
      if (x.key === 'corrective_changes') blocks.push(...openChangeBlocks(c, cat, now));
    }
  }
  return { text, blocks };
}

/**
 * The morning digest, a direct message: each case due this morning with its most pressing step,
 * a link to its thread and that step's main button.
 */
export function renderDigest(
  cases: readonly RecoveryCase[],
  pb: Playbook,
  lang: string,
  now: Date,
): Rendered {
  const cat = t(lang);
  const items = cases
    .map((c) => {
      const open = c.steps.filter(
        (s) =>
          (s.status === 'pending' || s.status === 'snoozed') &&
          !stepDef(pb, s.key)?.cadenceDays &&
          !heldByRefusal(c, s, pb),
      );
      const overdue = open.filter((s) => stepView(s, now) === 'overdue');
      const lead = (overdue.length ? overdue : open).sort(
        (a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity),
      )[0];
      return lead ? { c, s: lead } : null;
    })
    .filter((x): x is { c: RecoveryCase; s: Step } => !!x)
    .slice(0, 15);
  const text = cat.digest.intro(items.length);
  const blocks: types.KnownBlock[] = [{ type: 'section', text: md(text) }];
  for (const { c, s } of items) {
    const link = c.messageTs
      ? `https://slack.com/archives/${c.channelId}/p${c.messageTs.replace('.', '')}`
      : null;
    const client = literal(c.client);
    const due = s.dueAt ? ` · ${cat.case.due(dateToken(s.dueAt))}` : '';
    blocks.push({
      type: 'section',
      text: md(
        `${link ? `<${link}|${client}>` : client} · *${literal(stepTitle(s.key, pb, cat))}*${due}`,
      ),
    });
    const main = stepButtons(c, s, pb, cat)
      .filter((e) => e.type === 'button')
      .slice(0, 1);
    if (main.length) blocks.push({ type: 'actions', elements: main });
  }
  return { text, blocks };
}
