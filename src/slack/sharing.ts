import type { webApi } from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import type { Log } from '../log.js';

type WebClient = webApi.WebClient;

/** How long a channel's sharing is trusted before Slack is asked again. */
const TTL_MS = 5 * 60_000;

/**
 * The sharing flags of conversations.info. A channel the client can read is one shared with
 * another organisation, or about to be (an invitation pending). `is_org_shared` alone is a channel
 * shared between workspaces of the same Enterprise Grid org: still inside the company.
 */
export interface SharingFlags {
  readonly is_shared?: boolean;
  readonly is_ext_shared?: boolean;
  readonly is_org_shared?: boolean;
  readonly is_pending_ext_shared?: boolean;
}

export function isSharedWithOutsiders(ch: SharingFlags): boolean {
  return !!ch.is_ext_shared || !!ch.is_pending_ext_shared || (!!ch.is_shared && !ch.is_org_shared);
}

/**
 * Whether a channel is shared outside the company (Slack Connect), asked of Slack before a case
 * is posted there and cached briefly, so a channel that becomes shared later is noticed within
 * minutes at the cost of one conversations.info per channel per TTL.
 */
export class ChannelSharing {
  readonly #cache = new Map<string, { shared: boolean; at: number }>();

  constructor(
    readonly clock: Clock,
    readonly log: Log,
    readonly ttlMs = TTL_MS,
  ) {}

  async isShared(client: WebClient, channel: string): Promise<boolean> {
    // A direct message is between the bot and one person.
    if (channel.startsWith('D')) return false;
    const now = this.clock.now().getTime();
    const hit = this.#cache.get(channel);
    if (hit && now - hit.at < this.ttlMs) return hit.shared;
    try {
      const res = await client.conversations.info({ channel });
      const shared = isSharedWithOutsiders((res.channel ?? {}) as SharingFlags);
      this.#cache.set(channel, { shared, at: now });
      return shared;
    } catch (e) {
      // Slack can't say right now: the last answer stands; with none, the post itself will tell
      // (a channel Amends can't read is one it can't post in either).
      this.log('could not check whether the channel is shared', { channel, error: String(e) });
      return hit?.shared ?? false;
    }
  }

  /** What the cache says, without asking Slack (null: not known). */
  known(channel: string): boolean | null {
    return this.#cache.get(channel)?.shared ?? null;
  }

  forget(channel: string): void {
    this.#cache.delete(channel);
  }
}
