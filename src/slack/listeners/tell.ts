import type { AllMiddlewareArgs, types } from '@slack/bolt';
import type { RecoveryCase } from '../../domain/recoveryCase.js';
import type { Catalog } from '../../i18n/index.js';
import type { Log } from '../../log.js';
import { CHANNEL_SHARED, type Published } from '../../services/presenter.js';
import { moveBlocks } from '../caseView.js';
import { notShown } from '../errors.js';

/** Something to tell one person privately. */
export interface Said {
  readonly text: string;
  readonly blocks?: types.KnownBlock[];
}

/**
 * The one mapping from "the presenter tried to show a case someone just opened or moved" to what
 * that person is told; null when there is nothing to say (it is in its channel).
 *
 * - Opened and posted elsewhere (its channel is shared, RECOVERY_CHANNEL took it): where it went.
 * - Not posted because its channel is shared: the presenter sends the owner a direct message with
 *   the move button, so a note by direct message goes only to someone else; an answer where the
 *   person is (the command's response URL) is given to anyone.
 * - Any other failure: what happened and what Amends does about it (`notShown`).
 */
export function toldAfterPublish(
  shown: Published,
  o: {
    readonly case: RecoveryCase;
    readonly user: string;
    readonly cat: Catalog;
    readonly did: 'opened' | 'moved';
    readonly where: 'here' | 'dm';
  },
): Said | null {
  const { cat } = o;
  if (shown.ok)
    return o.did === 'opened' && shown.movedFrom
      ? { text: cat.shared.movedTo(`<#${shown.case.channelId}>`) }
      : null;
  if (shown.code === CHANNEL_SHARED) {
    if (o.where === 'dm' && o.user === o.case.ownerId) return null;
    if (o.did === 'moved') return { text: cat.shared.targetShared };
    return { text: cat.shared.notPosted, blocks: moveBlocks(o.case, cat.shared.notPosted, cat) };
  }
  return { text: notShown(shown.code, cat) };
}

/**
 * A private word to a person in their direct message with Amends (a form closed, a shortcut has no
 * channel, the bot may not be in the case's channel). A failure is logged: there is nowhere else.
 */
export async function tellInDm(
  client: AllMiddlewareArgs['client'],
  user: string,
  said: Said,
  log: Log,
): Promise<void> {
  await client.chat
    .postMessage({
      channel: user,
      text: said.text,
      ...(said.blocks ? { blocks: said.blocks } : {}),
    })
    .then(() => undefined)
    .catch((e) => log.error('could not tell the user', { err: e }));
}
