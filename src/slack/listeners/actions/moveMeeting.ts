import { findStep } from '../../../domain/recoveryCase.js';
import { meetingModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { caseRef, form, onClick, openCase } from './click.js';

/**
 * A booked meeting (or the one to show the fix) moved: the booking form, filled with its time in
 * the clicker's zone, in which the answer is read.
 */
export function moveMeetingAction(deps: ListenerDeps, step: 'meeting' | 'fix_meeting') {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const c = await openCase(deps, k.team, ref.caseId);
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
  });
}
