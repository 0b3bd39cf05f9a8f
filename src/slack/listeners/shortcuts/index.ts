import type { App } from '@slack/bolt';
import { SHORTCUT } from '../../ids.js';
import { byIdOf } from '../byId.js';
import type { ListenerDeps } from '../deps.js';
import type { ShortcutArgs } from './form.js';
import { fromMessageShortcut } from './fromMessage.js';
import { newCaseShortcut } from './newCase.js';

/** The shortcuts manifest.yml declares: one listener for Bolt, dispatched by callback_id (see byId). */
export function registerShortcuts(app: App, deps: ListenerDeps): void {
  const shortcuts = byIdOf<ShortcutArgs>('shortcut', (a) => a.shortcut.callback_id, deps.log);
  shortcuts.on(SHORTCUT.fromMessage, fromMessageShortcut(deps));
  shortcuts.on(SHORTCUT.open, newCaseShortcut(deps));
  app.shortcut({}, shortcuts.dispatch);
}
