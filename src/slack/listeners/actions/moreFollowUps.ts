import { findStep } from '../../../domain/recoveryCase.js';
import { dateToken, mention } from '../../blocks/format.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, announce, caseRef, onClick, shown } from './click.js';

/** Keep trying after the planned follow-ups: more of them, the next one's date in the thread. */
export function moreFollowUpsAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const ch = await announce(
      deps,
      () => deps.cases.moreFollowUps(actOf(k, ref.caseId), ref.version),
      (ch, cat) => {
        const at = findStep(ch.case, 'keep_trying').dueAt;
        return cat.thread.moreFollowUps(mention(k.user), at ? dateToken(at) : '');
      },
    );
    return shown(deps, ch);
  });
}
