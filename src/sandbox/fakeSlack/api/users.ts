/** Who is who: users.info, auth.test (the token's bot and workspace) and apps.connections.open. */
import type { Args } from '../types.js';
import { APP_ID, fail, PERMALINK_HOST, str, truthy, zoneInfo } from '../values.js';
import type { Handler } from './common.js';

export const users: Record<string, Handler> = {
  'apps.connections.open': (w, _a, call) => {
    if (!w.socketModeUrl) fail('unknown_method');
    // Only an app-level token opens a socket (a bot token is refused, as by Slack).
    if (!call.token.startsWith('xapp-')) fail('not_allowed_token_type');
    const url = new URL(w.socketModeUrl as string);
    url.searchParams.set('ticket', String(++w.tickets));
    url.searchParams.set('app_id', APP_ID);
    return { ok: true, url: url.toString() };
  },
  'auth.test': (w, _a, call) => ({
    ok: true,
    url: `${PERMALINK_HOST}/`,
    team: w.workspaces.find((x) => x.id === call.team)?.name ?? 'Fake Team',
    user: 'amends',
    // A token naming a workspace the fake was not told of (the tests' installs) is still its own.
    team_id: /^(?:xoxe\.)?xox[bp]-(T[A-Z0-9]+)-/.exec(call.token)?.[1] ?? call.team,
    user_id: w.botUserId,
    bot_id: w.botId,
    is_enterprise_install: false,
  }),
  'users.info': (w, a, call) => {
    const u = w.users.get(str(a, 'user') ?? fail('user_not_found'));
    if (!u || w.foreign(u.id, call.team)) return fail('user_not_found');
    const { offset, label } = zoneInfo(u.tz, w.now());
    const realName = u.realName ?? u.name;
    const user: Args = {
      id: u.id,
      team_id: w.teamOf(u.id) ?? w.teamId,
      name: u.name,
      real_name: realName,
      tz: u.tz,
      tz_label: label,
      tz_offset: offset,
      profile: { display_name: u.name, real_name: realName },
      is_bot: false,
      is_admin: !!u.admin,
      is_owner: false,
      deleted: false,
    };
    // Like Slack, `locale` is only present when asked for.
    if (truthy(a.include_locale)) user.locale = u.locale ?? 'en-US';
    return { ok: true, user };
  },
};
