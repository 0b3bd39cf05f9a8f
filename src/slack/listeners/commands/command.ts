import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { type Catalog, LANGUAGES, t } from '../../../i18n/index.js';
import { friendly } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';

/** What Bolt hands the /incident listener. */
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** /incident, parsed: who typed what, where, and how to answer them privately. */
export interface Command {
  readonly args: CommandArgs;
  readonly team: string;
  readonly user: string;
  /** The person's language (cached, or the default). */
  readonly cat: Catalog;
  /** What they typed after /incident, as typed (Slack's entities undone), trimmed. */
  readonly text: string;
  /** The key that makes a command act once, however often Slack sends it. */
  readonly requestKey: string;
  /** A private answer after the ack (the response URL); a failure is logged. */
  readonly say: (text: string, blocks?: unknown[]) => Promise<unknown>;
}

/** A first-time user waits this long at most for Slack to say their language. */
export const LOOKUP_MS = 700;

/** The languages Amends speaks, as `/incident language` lists them. */
export const choices = LANGUAGES.map((l) => `\`${l}\` (${t(l).langName})`).join(', ');

type Ephemeral = { response_type: 'ephemeral'; text: string; blocks?: never };

/** A private answer (in the ack, or by the response URL). */
export const ephemeral = (text: string, blocks?: unknown[]): Ephemeral => ({
  response_type: 'ephemeral',
  text,
  ...(blocks ? { blocks: blocks as never } : {}),
});

/**
 * True the first time this command (its trigger_id) arrives, acknowledged either way: a replayed
 * or retried command does nothing again. A store that fails answers why in the ack.
 */
export async function firstDelivery(deps: ListenerDeps, c: Command): Promise<boolean> {
  let first: boolean;
  try {
    first = await deps.cases.firstDelivery(c.team, c.requestKey);
  } catch (e) {
    await c.args.ack(ephemeral(friendly(e, c.cat, deps.log)));
    return false;
  }
  await c.args.ack();
  return first;
}
