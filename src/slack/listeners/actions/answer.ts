import { mention } from '../../blocks/format.js';
import type { ListenerDeps } from '../deps.js';
import { caseRef, onClick, shown, undoable } from './click.js';

/** The client's answer to the offer: accepted or refused. */
export function answerAction(deps: ListenerDeps, answer: 'accepted' | 'refused') {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const ch = await undoable(
      deps,
      () => deps.cases.answer(k.team, ref.caseId, answer, k.user, ref.version),
      (_ch, cat) => cat.thread[answer](mention(k.user)),
    );
    return shown(deps, ch);
  });
}
