import { DomainError } from '../../../domain/errors.js';
import { mention } from '../../blocks/format.js';
import { line, movedLines } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit } from './submission.js';

/**
 * Hand-over: the new owner is told in the thread (mentioned once, in the line stored with the
 * change); after the ack their zone is asked of Slack and the due times follow it.
 */
export function ownerView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.owner, async ({ a, act, team, user, values: v }) => {
    const owner = v[INPUT.owner]?.[INPUT.owner]?.selected_user ?? null;
    if (!owner || (a.context.botUserId && owner === a.context.botUserId))
      throw new DomainError('invalid_input', 'owner');
    // Their zone as cached (or the default) now; Slack's word after the ack.
    const { tz } = await deps.profiles.cachedOrDefault(team, owner);
    const ch = await announce(
      deps,
      () => deps.cases.changeOwner(act, owner, tz),
      (ch, cat) =>
        line(
          cat.corrections.owner.line(
            mention(user),
            mention(String(ch.event.data?.from ?? '')),
            mention(owner),
          ) + movedLines(ch.event, deps.cases.playbook, cat),
        ),
    );
    return async () => {
      // The zone used was the cached one (or the default): Slack's word moves the due times,
      // and the thread lists what moved (without pinging the new owner a second time).
      let c = ch.case;
      try {
        const { tz } = await deps.profiles.resolve(team, owner, deps.cases.now());
        if (tz !== c.tz)
          c = (
            await announce(
              deps,
              () => deps.cases.retimeOwner(team, c.id, owner, tz),
              (r, cat) => {
                const moved = movedLines(r.event, deps.cases.playbook, cat);
                return moved ? [line(cat.corrections.owner.retimed + moved)] : [];
              },
            )
          ).case;
      } catch (e) {
        if (!(e instanceof DomainError))
          deps.log.error('the new owner’s zone is not known yet', {
            team: c.teamId,
            case: c.id,
            err: e,
          });
      }
      await deps.presenter.afterChange(c);
    };
  });
}
