import { mention } from '../../blocks/format.js';
import { undoneWhat, undoUsed } from '../../blocks/thread.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, announce, caseRef, onClick, redrawClicked } from './click.js';

/**
 * Undo, on the thread line of the last click: only in the case's own channel (the click's channel
 * is Slack's word, in a signed request), only while nothing has happened since.
 */
export function undoAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const ch = await announce(
      deps,
      () => deps.cases.undo(actOf(k, ref.caseId), ref.version, k.channel ?? null),
      (ch, cat) =>
        cat.corrections.undone(mention(k.user), undoneWhat(ch.event, deps.cases.playbook, cat)),
    );
    // The line whose Undo was used loses its button and says who undid it (after the ack).
    return redrawClicked(deps, k, ch, undoUsed);
  });
}
