import { HTTPReceiver } from '@slack/bolt';

/**
 * The HTTP receiver: Slack's endpoint `/slack/events` (signature and 5-minute timestamp checks are
 * Bolt's) plus `GET /healthz`. The response goes out as soon as a listener acks; the work continues
 * after it. The benchmark's bare Bolt app uses exactly this receiver, so the comparison is fair.
 */
export function httpReceiver(signingSecret: string): HTTPReceiver {
  return new HTTPReceiver({
    signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: 2500,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true }));
        },
      },
    ],
  });
}
