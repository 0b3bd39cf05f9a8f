import { outlinePost } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, shown, text } from './submission.js';

/** The outline (what happened, why, what prevents it again), posted in the thread. */
export function outlineView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.happened, async ({ act, user, values: v }) => {
    const outline = {
      happened: text(v, INPUT.happened),
      why: text(v, INPUT.why),
      prevention: text(v, INPUT.prevention),
      summary: text(v, INPUT.twoSentences),
    };
    const ch = await announce(
      deps,
      () => deps.cases.outline(act, outline),
      // Saved over an earlier outline: the thread says it changed, and how it reads now.
      (ch, cat) =>
        outlinePost(ch.case.outline ?? outline, user, cat, {
          edited: ch.event.type === 'outline_edited',
        }),
    );
    return shown(deps, ch);
  });
}
