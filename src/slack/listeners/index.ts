import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerUnhandled } from './unhandled.js';
import { registerViews } from './views/index.js';

/** Every listener of the app, and the log line for an error none of them handled. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerUnhandled(app);
  registerShortcuts(app, deps);
  app.error(async (e) => {
    const original = (e as { original?: unknown }).original ?? e;
    deps.log.error('unhandled listener error', {
      err: original,
    });
  });
}
