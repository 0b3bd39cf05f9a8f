import { meetingModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { currentStep, form, onClick, stepRef } from './click.js';

/**
 * Booking the meeting (or the one to show the fix): the length and place are chosen too (the
 * client's usual place offered), and the hint names the client's zone, in which the invite and the
 * message give the time.
 */
export function meetingAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = stepRef(v);
    const c = await currentStep(deps, k.team, ref);
    const client = await deps.cases.clientOf(c);
    const { lang } = await deps.profiles.cachedOrDefault(k.team, k.user);
    const step = ref.step === 'fix_meeting' ? 'fix_meeting' : 'meeting';
    return form(deps, k, () =>
      meetingModal(k.cat, c, ref.version, step, undefined, {
        client,
        lang,
        now: deps.cases.now(),
      }),
    );
  });
}
