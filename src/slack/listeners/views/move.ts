import { DomainError } from '../../../domain/errors.js';
import { CHANNEL_SHARED } from '../../../services/presenter.js';
import { INPUT, isChannelId } from '../../ids.js';
import { catFor, type ListenerDeps } from '../deps.js';
import { tellInDm, toldAfterPublish } from '../tell.js';
import { onCaseSubmit } from './submission.js';

/**
 * The case moved to another channel (never to one shared outside the company): posted there, and
 * what waited for an internal channel goes out with it; the mover hears by direct message when it
 * could not be posted.
 */
export function moveView(deps: ListenerDeps) {
  const { presenter } = deps;
  return onCaseSubmit(deps, INPUT.channel, async ({ a, team, user, caseId, values: v, key }) => {
    const to = v[INPUT.channel]?.[INPUT.channel]?.selected_conversation;
    if (!isChannelId(to)) throw new DomainError('invalid_input', 'channel');
    if (presenter.view.knownShared(to)) throw new DomainError('invalid_input', 'channel_shared');
    const before = await deps.cases.get(team, caseId);
    const fromShared =
      before.deliveryProblem === CHANNEL_SHARED ||
      presenter.view.knownShared(before.channelId) === true;
    const ch = await deps.cases.move(team, caseId, to, user, {
      fromShared,
      requestKey: key,
    });
    return async () => {
      const cat = await catFor(deps, team, user);
      const shown = await presenter.publish(ch.case);
      if (shown.ok) {
        // What waited for an internal channel goes out there now: lines and held reminders.
        await presenter.deliverLines(shown.case);
        await deps.reminders.channelOpened(team, to);
      }
      const said = toldAfterPublish(shown, {
        case: ch.case,
        user,
        cat,
        did: 'moved',
        where: 'dm',
      });
      if (said) await tellInDm(a.client, user, said, deps.log);
    };
  });
}
