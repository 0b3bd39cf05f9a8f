/** What every Web API family shares: the handler's shape and the arguments Slack checks alike. */
import type { Args, StoredMessage } from '../types.js';
import { fail, isObject, str } from '../values.js';
import type { FakeWorld } from '../world.js';

/** The call being answered: its token, whether its body was JSON, and the token's workspace. */
export interface Call {
  readonly token: string;
  readonly json: boolean;
  readonly team: string;
}

/** One Web API method: the world and the parsed arguments in, Slack's response out (or a SlackError). */
export type Handler = (w: FakeWorld, a: Args, call: Call) => Args;

/** Slack opens a DM when you post to a user id; the response names the D channel. */
export function channelOf(w: FakeWorld, call: Call, a: Args, key = 'channel'): string {
  const c = str(a, key) ?? fail('channel_not_found');
  const id = /^[UW]/.test(c) ? `D${c.slice(1)}` : c;
  if (w.foreign(id, call.team)) fail('channel_not_found');
  return id;
}

/** A channel the bot may post in: not archived, and the bot still a member. */
export function writableChannel(w: FakeWorld, call: Call, a: Args): string {
  const c = channelOf(w, call, a);
  if (w.archived.has(c)) fail('is_archived');
  if (w.kicked.has(c)) fail('not_in_channel');
  return c;
}

export function blocksOf(a: Args, max: number): unknown[] | undefined {
  const b = a.blocks;
  if (b === undefined || b === '') return undefined;
  if (!Array.isArray(b) || b.some((x) => !isObject(x) || typeof x.type !== 'string')) {
    return fail('invalid_blocks');
  }
  return b.length > max ? fail('invalid_blocks') : b;
}

/** A stored message as the Web API returns it (no `channel`; `metadata` only when asked for). */
export function apiMessage(m: StoredMessage, withMetadata = true): Args {
  const { channel: _channel, metadata, ...rest } = m;
  return withMetadata && metadata ? { ...rest, metadata } : rest;
}
