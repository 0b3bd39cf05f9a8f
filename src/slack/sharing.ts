import type { webApi } from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import type { Log } from '../log.js';
import { DeliveryFailure, type SharingStore } from '../services/ports.js';
import { SHARING_UNKNOWN } from '../services/presenter.js';
import { slackErrorCode } from './errors.js';

type WebClient = webApi.WebClient;

/** How long a channel's sharing is trusted before Slack is asked again. */
const TTL_MS = 5 * 60_000;
/** After a failed check, Slack is asked again no sooner than this; doubled each time, up to the cap. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

/** Slack's answers that mean Amends is set up wrong (a scope, a token), not that Slack is busy. */
const SETUP_ERRORS = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'no_permission',
]);

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
 * Whether a channel is shared outside the company (Slack Connect), asked of Slack before a case is
 * posted there and trusted for a TTL, so a channel shared later is noticed within minutes. It fails
 * closed: when Slack can't say, `isShared` throws `sharing_unknown` and nothing is posted; Slack is
 * asked again after a back-off (1 s doubling to a minute). With a store, answers and channel_shared
 * events are shared by every replica, and the store is read before every answer.
 */
export class ChannelSharing {
  readonly #cache = new Map<string, { shared: boolean; at: number }>();
  readonly #failed = new Map<string, { until: number; backoff: number; code: string }>();
  readonly #setupLogged = new Set<string>();

  constructor(
    readonly clock: Clock,
    readonly log: Log,
    readonly ttlMs = TTL_MS,
    readonly store: SharingStore | null = null,
  ) {}

  async isShared(client: WebClient, channel: string): Promise<boolean> {
    // A direct message is between the bot and one person.
    if (channel.startsWith('D')) return false;
    const now = this.clock.now().getTime();
    // Another process's word, newer than this one's memory, wins: a change it heard of (null: ask
    // Slack again), or an answer it had from Slack.
    const word = this.store ? await this.store.get(channel) : null;
    const hit = this.#cache.get(channel);
    if (word && (!hit || word.at > hit.at)) {
      this.#cache.delete(channel);
      if (word.shared !== null && now - word.at < this.ttlMs) {
        this.#cache.set(channel, { shared: word.shared, at: word.at });
        return word.shared;
      }
      if (word.shared === null) this.#failed.delete(channel);
    } else if (hit && now - hit.at < this.ttlMs) return hit.shared;
    const failed = this.#failed.get(channel);
    if (failed && now < failed.until) throw unknown(failed.code);
    try {
      const res = await client.conversations.info({ channel });
      const shared = isSharedWithOutsiders((res.channel ?? {}) as SharingFlags);
      const at = this.clock.now().getTime();
      this.#cache.set(channel, { shared, at });
      this.#failed.delete(channel);
      // Its name too, for the export (which names channels without asking Slack once per row).
      const name =
        typeof res.channel?.name === 'string' && res.channel.name ? res.channel.name : null;
      // For the other replicas: a failed write only means they ask Slack themselves.
      await this.store?.put(channel, shared, at, name).catch((e: unknown) => {
        this.log.error('could not record a channel’s sharing for other processes', {
          channel,
          err: e,
        });
      });
      return shared;
    } catch (e) {
      const code = slackErrorCode(e) ?? 'request_error';
      this.#cache.delete(channel);
      if (code === 'channel_not_found') {
        this.#failed.delete(channel);
        throw new DeliveryFailure('channel', code);
      }
      const backoff = Math.min(MAX_BACKOFF_MS, failed ? failed.backoff * 2 : FIRST_BACKOFF_MS);
      this.#failed.set(channel, { until: this.clock.now().getTime() + backoff, backoff, code });
      if (SETUP_ERRORS.has(code)) {
        if (!this.#setupLogged.has(code)) {
          this.#setupLogged.add(code);
          this.log.error(
            'setup error: Slack would not say whether channels are shared outside the company, so Amends posts no case until it can (reinstall the app with the channels:read and groups:read scopes of manifest.yml)',
            { channel, slack: code },
          );
        }
      } else {
        this.log.warn(
          'could not check whether the channel is shared; nothing is posted there yet',
          {
            channel,
            slack: code,
            retryInMs: backoff,
          },
        );
      }
      throw unknown(code);
    }
  }

  /** What the cache says within its TTL, without asking Slack (null: not known). */
  known(channel: string): boolean | null {
    const hit = this.#cache.get(channel);
    if (!hit || this.clock.now().getTime() - hit.at >= this.ttlMs) return null;
    return hit.shared;
  }

  /**
   * The channel's sharing just changed: `shared` when the change says (channel_shared), else Slack
   * is asked again at the next check. Written for every process first (a throw means it was not:
   * the caller's event handler fails and Slack delivers the event again).
   */
  async forget(channel: string, shared: boolean | null = null): Promise<void> {
    const at = this.clock.now().getTime();
    await this.store?.put(channel, shared, at);
    this.#cache.delete(channel);
    this.#failed.delete(channel);
    if (shared !== null) this.#cache.set(channel, { shared, at });
  }
}

function unknown(why: string): DeliveryFailure {
  const f = new DeliveryFailure('transient', SHARING_UNKNOWN);
  f.message = `transient: ${SHARING_UNKNOWN} (${why})`;
  return f;
}
