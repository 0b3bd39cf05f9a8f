import { DomainError } from '../../../domain/errors.js';
import type { Changed } from '../../../domain/recoveryCase.js';
import { inviteLine } from '../../../services/cases.js';
import { dateToken, mention } from '../../blocks/format.js';
import { line } from '../../blocks/thread.js';
import { friendly } from '../../errors.js';
import { catFor, type ListenerDeps } from '../deps.js';
import { tellInDm } from '../tell.js';
import { announce, onCaseSubmit, shown } from './submission.js';

/**
 * The meeting is off: the line, then the cancellation's .ics (same UID, higher SEQUENCE), stored
 * with the change and sent in order.
 */
export function cancelMeetingView(deps: ListenerDeps) {
  return onCaseSubmit(deps, 'cancel_meeting', async ({ a, act, team, user, meta }) => {
    const fix = meta.step === 'fix_meeting';
    let ch: Changed;
    try {
      ch = await announce(
        deps,
        () => deps.cases.cancelMeeting(act, fix ? 'fix' : 'meeting'),
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
      return () => tellInDm(a.client, user, { text: note }, deps.log);
    }
    return shown(deps, ch);
  });
}
