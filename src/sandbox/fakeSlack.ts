/**
 * A local fake of the Slack Web API. Point a WebClient at it with `slackApiUrl: fake.url`.
 * It keeps Slack's request format (form-urlencoded or JSON POST to /api/<method>), its response
 * shapes and its error codes, records every call, and emits events so a sandbox page can render
 * what the bot "posted". Methods it does not emulate answer `unknown_method`, so gaps fail loudly.
 *
 * It lives in fakeSlack/: the world (world.ts, its state and their changes; types.ts), the Web
 * API by family (api/), and the HTTP layer (http/: routing, faults, uploads, the consent page).
 * This file is its entry: importers use it alone.
 */
export { startFakeSlack } from './fakeSlack/start.js';
export type {
  Args,
  ChannelSharing,
  FailureSpec,
  FakeApp,
  FakeSlack,
  FakeSlackEvents,
  FakeSlackOptions,
  FakeUser,
  FakeWorkspace,
  MessageMetadata,
  RecordedCall,
  SlackFile,
  StoredEphemeral,
  StoredFile,
  StoredMessage,
  StoredResponse,
  StoredView,
} from './fakeSlack/types.js';
