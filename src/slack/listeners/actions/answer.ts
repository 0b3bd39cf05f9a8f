import { mention } from '../../blocks/format.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, caseRef, onClick, shown, undoable } from './click.js';

/** The client's answer to the offer: accepted or refused. */
export function answerAction(deps: ListenerDeps, answer: 'accepted' | 'refused') {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const ch = await undoable(
      deps,
      () => deps.cases.answer(actOf(k, ref.caseId), answer, ref.version),
      (_ch, cat) => cat.thread[answer](mention(k.user)),
    );
    return shown(deps, ch);
  });
}
