/** The fake Web API: every method it emulates, by name. Any other answers `unknown_method`. */
import { chat } from './chat.js';
import type { Handler } from './common.js';
import { conversations } from './conversations.js';
import { files } from './files.js';
import { users } from './users.js';
import { views } from './views.js';

export type { Call, Handler } from './common.js';
export { type AppHandler, appMethods } from './oauth.js';

/** The methods called with a token (bot, user or app-level), by name. */
export const methods: Readonly<Record<string, Handler>> = {
  ...chat,
  ...conversations,
  ...views,
  ...users,
  ...files,
};
