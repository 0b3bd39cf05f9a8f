import { findStep } from '../../../domain/recoveryCase.js';
import { dateToken, mention } from '../../blocks/format.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { onStepNote } from './submission.js';

/** A follow-up (or check-in) recorded with its note; the thread says when the next one is due. */
export function followUpView(deps: ListenerDeps) {
  return onStepNote(deps, INPUT.followUpNote, {
    record: (r) => deps.cases.followUp(r),
    label: (cat) => cat.modal.followUp.note,
    line: (ch, cat, { user, step }) => {
      const s = findStep(ch.case, step);
      const next = s.dueAt;
      // A check-in (after a win) is said as one, not as trying again; after the last planned one,
      // what comes is the offer to close.
      const checkIn = step === 'check_in';
      return next
        ? (checkIn ? cat.thread.checkedIn : cat.thread.followUp)(mention(user), dateToken(next))
        : (checkIn ? cat.thread.checkedInLast : cat.thread.followUpLast)(
            mention(user),
            s.nextRemindAt ? dateToken(s.nextRemindAt) : '',
          );
    },
  });
}
