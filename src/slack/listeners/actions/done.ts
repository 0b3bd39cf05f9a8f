import { mention } from '../../blocks/format.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, onClick, shown, stepLabel, stepRef, undoable } from './click.js';

/** Done on a step: the step completed, a thread line (with Undo) says who did it. */
export function doneAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = stepRef(v);
    const ch = await undoable(
      deps,
      () => deps.cases.complete(actOf(k, ref.caseId), ref.step, ref.version),
      (_ch, cat) => cat.thread.done(mention(k.user), stepLabel(deps, ref.step, cat)),
    );
    return shown(deps, ch);
  });
}
