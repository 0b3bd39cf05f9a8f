/** The Events API requests the sandbox sends the bot as Slack would. */
import { randomBytes } from 'node:crypto';
import type { StoredView } from './fakeSlack.js';
import { BOT_USER_ID, homeChannel } from './people.js';

/** An Events API envelope around one event, as Slack posts it to the app. */
export function eventEnvelope(
  teamId: string,
  event: Record<string, unknown>,
  now: Date,
): Record<string, unknown> {
  const eventTs = (now.getTime() / 1000).toFixed(6);
  return {
    token: 'verification_token',
    team_id: teamId,
    api_app_id: 'AAMENDS01',
    event: { ...event, event_ts: eventTs },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(now.getTime() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

/**
 * An Events API envelope with the `app_home_opened` event Slack sends when a person opens the
 * app's Home tab; like Slack's, it carries the home view already published for them, if any.
 */
export function appHomeOpenedEnvelope(
  teamId: string,
  user: string,
  now: Date,
  view?: StoredView,
): Record<string, unknown> {
  return eventEnvelope(
    teamId,
    {
      type: 'app_home_opened',
      user,
      channel: homeChannel(user),
      tab: 'home',
      ...(view ? { view } : {}),
    },
    now,
  );
}
