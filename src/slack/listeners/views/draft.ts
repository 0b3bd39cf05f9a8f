import { draftPost } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, shown, text } from './submission.js';

/** The message to the client, edited: posted in the thread for review, with its mail link. */
export function draftView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.draftBody, async ({ act, team, user, caseId, values: v }) => {
    const subject = text(v, INPUT.draftSubject);
    const body = text(v, INPUT.draftBody);
    // The link opens the message addressed to the client's contact, when one is on record.
    const to = (await deps.cases.clientOf(await deps.cases.get(team, caseId)))?.email;
    const ch = await announce(
      deps,
      () => deps.cases.draft(act, subject, body),
      (ch, cat) => draftPost(ch.case, user, { subject, body }, to ?? null, cat),
    );
    return shown(deps, ch);
  });
}
