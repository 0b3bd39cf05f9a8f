import { stepsDoneBySend } from '../../../domain/recoveryCase.js';
import { stepTitle } from '../../blocks/caseMessage.js';
import { draftUsed } from '../../blocks/draft.js';
import { literal, mention } from '../../blocks/format.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, caseRef, onClick, redrawClicked, undoable } from './click.js';

/** "Sent" on a posted draft: the message to the client went out, and the steps it closes are done. */
export function draftSentAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const ch = await undoable(
      deps,
      // Keyed by the draft's own message: a second click on it is "already received", while
      // other clicks on the case since the draft was posted don't make it stale.
      () => {
        const ts = (k.args.body.container as { message_ts?: string } | undefined)?.message_ts;
        return deps.cases.clientMessageSent(
          {
            ...actOf(k, ref.caseId),
            requestKey: ts ? `draft_sent:${ref.caseId}:${ts}` : undefined,
          },
          ref.version,
        );
      },
      // Say what the click closed: the thread is the case's record.
      (ch, cat) => {
        const titles = stepsDoneBySend(ch).map(
          (key) => `*${literal(stepTitle(key, deps.cases.playbook, cat))}*`,
        );
        const last = titles.pop();
        const marked = !last
          ? ''
          : titles.length === 0
            ? cat.draft.markedOne(last)
            : cat.draft.markedMany(`${titles.join(', ')} ${cat.draft.and} ${last}`);
        return `${cat.draft.sentLine(mention(k.user))}${marked}`;
      },
    );
    // The draft shows its button was used: who marked it sent, and when (after the ack).
    return redrawClicked(deps, k, ch, draftUsed);
  });
}
