import { mention } from '../../blocks/format.js';
import { withUserText } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, caseIdOf, onSubmit, requestKey, shown, text } from './submission.js';

/** What was offered the client, recorded and quoted in the thread. */
export function compensationView(deps: ListenerDeps) {
  return onSubmit(
    deps,
    async (a, team, user, meta) => {
      const caseId = caseIdOf(meta);
      const offer = text(a.view.state.values, INPUT.offer);
      const ch = await announce(
        deps,
        () =>
          deps.cases.recordCompensation(
            team,
            caseId,
            offer,
            user,
            meta.version ?? null,
            requestKey(a),
          ),
        (_ch, cat) =>
          withUserText(cat.thread.compensation(mention(user)), [
            [cat.modal.compensation.offer, offer.trim()],
          ]),
      );
      return shown(deps, ch);
    },
    INPUT.offer,
  );
}
