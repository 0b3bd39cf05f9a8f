import { findStep } from '../../../domain/recoveryCase.js';
import { dateToken, mention } from '../../blocks/format.js';
import { withUserText } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onSubmit, requestKey, shown, stepOf, text } from './submission.js';

/** A follow-up (or check-in) recorded with its note; the thread says when the next one is due. */
export function followUpView(deps: ListenerDeps) {
  return onSubmit(
    deps,
    async (a, team, user, meta) => {
      const { caseId, step, version } = stepOf(meta);
      const note = text(a.view.state.values, INPUT.followUpNote);
      const ch = await announce(
        deps,
        () => deps.cases.followUp(team, caseId, step, note, user, version, requestKey(a)),
        (ch, cat) => {
          const s = findStep(ch.case, step);
          const next = s.dueAt;
          // A check-in (after a win) is said as one, not as trying again; after the last
          // planned one, what comes is the offer to close.
          const checkIn = step === 'check_in';
          const said = next
            ? (checkIn ? cat.thread.checkedIn : cat.thread.followUp)(mention(user), dateToken(next))
            : (checkIn ? cat.thread.checkedInLast : cat.thread.followUpLast)(
                mention(user),
                s.nextRemindAt ? dateToken(s.nextRemindAt) : '',
              );
          return withUserText(said, [[cat.modal.followUp.note, note.trim()]]);
        },
      );
      return shown(deps, ch);
    },
    INPUT.followUpNote,
  );
}
