/**
 * oauth.v2.access: an install's code or a refresh token exchanged for a bot token. It is answered
 * on the app's own credentials (client id and secret), not a token, so it has a table of its own.
 */
import type { Args } from '../types.js';
import { APP_ID, fail, str } from '../values.js';
import type { FakeWorld } from '../world.js';

/** A method answered without a token. */
export type AppHandler = (w: FakeWorld, a: Args) => Args;

/** A new bot token for a workspace (a rotating one, 12 hours, with its refresh token). */
function issue(w: FakeWorld, team: string, rotate: boolean) {
  w.grants++;
  const refresh = rotate ? `xoxe-1-${team}-${w.grants}` : undefined;
  if (refresh) w.refreshTokens.set(refresh, team);
  return {
    access_token: `${rotate ? 'xoxe.' : ''}xoxb-${team}-${w.grants}`,
    ...(refresh ? { refresh_token: refresh, expires_in: 43_200 } : {}),
  };
}

// An install's code is "<team>:<user>" or "<enterprise>:<user>" for an org-wide install
// (":rotate" after it: a rotating token); each refresh token can be spent once, as Slack's.
const access: AppHandler = (w, a) => {
  if (!str(a, 'client_id') || !str(a, 'client_secret')) fail('invalid_client_id');
  if (str(a, 'grant_type') === 'refresh_token') {
    const spent = str(a, 'refresh_token') ?? '';
    const team = w.refreshTokens.get(spent);
    if (!team) fail('invalid_refresh_token');
    w.refreshTokens.delete(spent);
    return { ok: true, token_type: 'bot', ...issue(w, team as string, true) };
  }
  // "E…:U…": an org-wide install (Enterprise Grid), for every workspace of the org.
  const m = /^([TE][A-Z0-9]+):(U[A-Z0-9]+)(:rotate)?$/.exec(str(a, 'code') ?? '');
  if (!m) fail('invalid_code');
  const [, where, user, rotate] = m as RegExpExecArray;
  const org = (where as string).startsWith('E');
  w.installed.add(where as string);
  return {
    ok: true,
    app_id: APP_ID,
    authed_user: { id: user },
    scope:
      'commands,chat:write,users:read,channels:history,groups:history,channels:read,groups:read,files:write,im:write',
    token_type: 'bot',
    bot_user_id: w.botUserId,
    team: org
      ? null
      : { id: where, name: w.workspaces.find((x) => x.id === where)?.name ?? `Workspace ${where}` },
    enterprise: org ? { id: where, name: `Org ${where}` } : null,
    is_enterprise_install: org,
    ...issue(w, where as string, !!rotate),
  };
};

export const appMethods: Record<string, AppHandler> = { 'oauth.v2.access': access };
