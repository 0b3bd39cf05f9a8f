import type { types } from '@slack/bolt';
import type { Playbook } from '../../domain/playbook.js';
import { stepDef } from '../../domain/playbook.js';
import type { RecoveryCase } from '../../domain/recoveryCase.js';
import type { ReminderKind } from '../../domain/reminders.js';
import { t } from '../../i18n/index.js';
import { ACTION, encodeCase } from '../ids.js';
import {
  answerButtons,
  closeButton,
  type Rendered,
  stepButtons,
  stepTitle,
} from './caseMessage.js';
import { dateToken, literal, md, mention, mentionTarget, plain } from './format.js';

export const REMINDER_EVENT_TYPE = 'amends_reminder';

export interface ReminderInput {
  readonly kind: ReminderKind;
  readonly occurrence: number;
  readonly stepKey: import('../../domain/playbook.js').StepKey;
}

/** The nudge posted in a case thread: specific words from the method, and the step's own buttons. */
export function renderReminder(r: ReminderInput, c: RecoveryCase, pb: Playbook): Rendered {
  const cat = t(c.lang);
  const s = c.steps.find((x) => x.key === r.stepKey);
  const owner = mention(c.ownerId);
  const title = literal(stepTitle(r.stepKey, pb, cat));
  const due = s?.dueAt ? dateToken(s.dueAt) : '';
  let text: string;
  let extra: types.KnownBlock[] = [];
  switch (r.kind) {
    case 'escalation': {
      const others = [
        c.creatorId !== c.ownerId ? mention(c.creatorId) : null,
        pb.escalationTarget ? mentionTarget(pb.escalationTarget) : null,
      ]
        .filter((x): x is string => !!x)
        .join(', ');
      text = others
        ? cat.nudge.escalation(owner, title, due, others)
        : cat.nudge.escalationAlone(owner, title, due);
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
      text =
        r.stepKey === 'check_in'
          ? cat.nudge.checkIn(owner, r.occurrence)
          : cat.nudge.keepTrying(
              owner,
              r.occurrence,
              cat.nudge.keepTryingIdeas[(r.occurrence - 1) % cat.nudge.keepTryingIdeas.length] ??
                '',
            );
      break;
    case 'cadence_end':
      text =
        r.stepKey === 'check_in' ? cat.nudge.checkInEnd(owner) : cat.nudge.keepTryingEnd(owner);
      break;
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
    blocks.push({ type: 'actions', elements: [...answer, ...stepButtons(c, s, cat)] });
  }
  return { text, blocks };
}
