import { mention } from '../../blocks/format.js';
import { withUserText } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, shown, text } from './submission.js';

/** What was offered the client, recorded and quoted in the thread. */
export function compensationView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.offer, async ({ act, user, meta, values: v }) => {
    const offer = text(v, INPUT.offer);
    const ch = await announce(
      deps,
      () => deps.cases.recordCompensation(act, offer, meta.version ?? null),
      (_ch, cat) =>
        withUserText(cat.thread.compensation(mention(user)), [
          [cat.modal.compensation.offer, offer.trim()],
        ]),
    );
    return shown(deps, ch);
  });
}
