import type { webApi } from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import type { Playbook } from '../domain/playbook.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import { localDay, type Reminder } from '../domain/reminders.js';
import { wellFormed } from '../domain/text.js';
import type { CaseStore, ReminderChannel, UserDirectory, UserFacts } from '../services/ports.js';
import type { ProfileService } from '../services/profiles.js';
import { renderCase } from './blocks/caseMessage.js';
import { REMINDER_EVENT_TYPE, renderDigest, renderReminder } from './blocks/reminder.js';
import { slackErrorCode, toDeliveryFailure } from './errors.js';
import { postedWith } from './metadata.js';
import { forTeam } from './teamClient.js';

type WebClient = webApi.WebClient;

/** users.info → the facts the services need. */
export class SlackUserDirectory implements UserDirectory {
  constructor(readonly client: WebClient) {}
  async lookup(teamId: string, userId: string): Promise<UserFacts | null> {
    try {
      const res = await forTeam(teamId, () =>
        this.client.users.info({ user: userId, include_locale: true }),
      );
      const u = res.user;
      if (!u) return null;
      // A name is kept and written into drafts and invites: well-formed, as all text from Slack.
      return wellFormed({
        tz: u.tz ?? null,
        locale: u.locale ?? null,
        name: u.real_name ?? u.name ?? null,
      });
    } catch (e) {
      if (slackErrorCode(e) === 'user_not_found') return null;
      throw e;
    }
  }
}

/** What the morning digest knows of its reader: their open cases, their language and name. */
export interface DigestPeople {
  readonly owned: (teamId: string, userId: string) => Promise<RecoveryCase[]>;
  readonly lang: (teamId: string, userId: string) => Promise<string>;
  readonly name: (teamId: string, userId: string) => Promise<string | null>;
}

/** The digest's reader from the stored cases and the cached profiles (no Slack call). */
export function digestPeople(
  cases: Pick<CaseStore, 'listOwned'>,
  profiles: Pick<ProfileService, 'cachedOrDefault' | 'nameOf'>,
): DigestPeople {
  return {
    owned: (team, user) => cases.listOwned(team, user),
    lang: async (team, user) => (await profiles.cachedOrDefault(team, user)).lang,
    name: (team, user) => profiles.nameOf(team, user),
  };
}

/**
 * Posts reminders into case threads, with message metadata carrying the reminder's key. Only Slack:
 * whether the case's channel may be posted in, and the parent's redraw after a nudge, are the
 * reminder engine's to ask of the Presenter (ReminderServiceDeps.presenter), not this adapter's.
 */
export class SlackReminderChannel implements ReminderChannel {
  constructor(
    readonly client: WebClient,
    readonly playbook: Playbook,
    readonly clock: Clock,
    /** For the morning digest: a person's open cases, their language and name (digestPeople). */
    readonly people?: DigestPeople,
  ) {}

  /** The morning digest: one direct message to the owner, listing the cases of today's digest. */
  async #deliverDigest(r: Reminder, c: RecoveryCase, key: string): Promise<string> {
    const now = this.clock.now();
    const day = localDay(now, r.hoursTz ?? c.tz);
    const listed = ((await this.people?.owned(c.teamId, c.ownerId)) ?? [c]).filter(
      (x) => x.calm.digestOn === day,
    );
    const lang = (await this.people?.lang(c.teamId, c.ownerId)) ?? c.lang;
    return this.#post(r, c, key, renderDigest(listed, this.playbook, lang, now), c.ownerId);
  }

  /** Posts a reminder with its key in the message metadata; Slack's refusal as a DeliveryFailure. */
  async #post(
    r: Reminder,
    c: RecoveryCase,
    key: string,
    m: { text: string; blocks: unknown[] },
    channel: string,
    threadTs?: string,
  ): Promise<string> {
    try {
      const res = await this.client.chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: m.text,
        blocks: m.blocks as never,
        unfurl_links: false,
        metadata: {
          event_type: REMINDER_EVENT_TYPE,
          event_payload: { key, case_id: c.id, step: r.stepKey, kind: r.kind },
        },
      });
      return res.ts as string;
    } catch (e) {
      throw toDeliveryFailure(e);
    }
  }

  // Each method is work for the case's own workspace (its token, with many workspaces).
  deliver(r: Reminder, c: RecoveryCase, key: string): Promise<string> {
    return forTeam(c.teamId, () => this.#deliver(r, c, key));
  }

  async #deliver(r: Reminder, c: RecoveryCase, key: string): Promise<string> {
    if (r.kind === 'digest') return this.#deliverDigest(r, c, key);
    if (!c.messageTs)
      throw toDeliveryFailure({
        code: 'slack_webapi_platform_error',
        data: { error: 'thread_not_found' },
      });
    const m = renderReminder(r, c, this.playbook, this.clock.now(), {
      ownerName: (await this.people?.name(c.teamId, c.ownerId)) ?? null,
    });
    return this.#post(r, c, key, m, c.channelId, c.messageTs);
  }

  async findDelivered(c: RecoveryCase, key: string): Promise<string | null> {
    return (await this.deliveredIn(c)).get(key) ?? null;
  }

  async deliveredIn(c: RecoveryCase): Promise<Map<string, string>> {
    const ts = c.messageTs;
    if (!ts) return new Map();
    try {
      return await forTeam(c.teamId, () =>
        postedWith(this.client, { channel: c.channelId, ts }, REMINDER_EVENT_TYPE, (p) =>
          typeof p.key === 'string' ? p.key : undefined,
        ),
      );
    } catch (e) {
      throw toDeliveryFailure(e);
    }
  }

  /** A plain chat.update (an engine without a Presenter: tests, benches). */
  async refreshCase(c: RecoveryCase): Promise<void> {
    if (!c.messageTs) return;
    const r = renderCase(c, this.playbook, this.clock.now());
    await forTeam(c.teamId, () =>
      this.client.chat.update({
        channel: c.channelId,
        ts: c.messageTs as string,
        text: r.text,
        blocks: r.blocks,
      }),
    );
  }
}
