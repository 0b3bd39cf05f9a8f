import { stepTitle } from '../../blocks/caseMessage.js';
import { literal, mention } from '../../blocks/format.js';
import { withUserText } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onSubmit, requestKey, shown, stepOf, text } from './submission.js';

/** An optional step skipped, with the reason given in the thread. */
export function skipView(deps: ListenerDeps) {
  return onSubmit(
    deps,
    async (a, team, user, meta) => {
      const { caseId, step, version } = stepOf(meta);
      const reason = text(a.view.state.values, INPUT.reason);
      const ch = await announce(
        deps,
        () => deps.cases.skip(team, caseId, step, reason, user, version, requestKey(a)),
        (_ch, cat) =>
          withUserText(
            cat.thread.skipped(mention(user), literal(stepTitle(step, deps.cases.playbook, cat))),
            [[cat.modal.skip.reason, reason.trim()]],
          ),
      );
      return shown(deps, ch);
    },
    INPUT.reason,
  );
}
