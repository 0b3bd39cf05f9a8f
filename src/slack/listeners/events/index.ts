import type { App } from '@slack/bolt';
import { byId } from '../byId.js';
import type { ListenerDeps } from '../deps.js';
import { appHomeOpened } from './appHomeOpened.js';
import { channelShared } from './channelShared.js';
import type { EventArgs } from './event.js';
import { memberJoinedChannel } from './memberJoinedChannel.js';
import { appUninstalled, tokensRevoked } from './uninstalled.js';

/** Every event: one Bolt listener, dispatched by the event's type, as buttons and forms are (byId). */
export function registerEvents(app: App, deps: ListenerDeps): void {
  const events = byId<EventArgs>((a) => a.event.type);
  const on = <E extends string>(type: E, listener: (a: EventArgs<E>) => Promise<void>) =>
    events.on(type, listener as (a: EventArgs) => Promise<void>);
  on('app_home_opened', appHomeOpened(deps));
  on('member_joined_channel', memberJoinedChannel(deps));
  on('channel_shared', channelShared(deps));
  on('app_uninstalled', appUninstalled(deps));
  on('tokens_revoked', tokensRevoked(deps));
  app.event(/.*/, events.dispatch);
}
