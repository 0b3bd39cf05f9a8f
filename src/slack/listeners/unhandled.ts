import type { App } from '@slack/bolt';

/**
 * What Slack may send that no feature of Amends asks for (a modal closed with notify_on_close, an
 * external select's options request) is answered at once, instead of Bolt's 404 three seconds
 * later: a closed modal changes nothing, and a select Amends does not know has no options.
 */
export function registerUnhandled(app: App): void {
  app.view({ type: 'view_closed' }, async ({ ack }) => {
    await ack();
  });
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: [] });
  });
}
