/**
 * The bot scopes Amends asks for when a workspace installs it (OAuth): the same list as the
 * manifests' `oauth_config.scopes.bot` (a test keeps them equal), each explained there.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'users:read',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
  'files:write',
  'im:write',
] as const;
