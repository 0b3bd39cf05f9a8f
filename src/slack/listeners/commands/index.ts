import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { incidentCommand } from './incident.js';

/** The slash commands manifest.yml declares. */
export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command('/incident', incidentCommand(deps));
}
