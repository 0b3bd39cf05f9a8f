import {
  type App,
  AuthorizationError,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
} from '@slack/bolt';
import type { AppReply, Forwarded } from './front.js';

/**
 * The Bolt receiver behind the front (src/slack/front.ts): it gets requests the front has already
 * verified and answered (or is holding for the ack), runs them through Bolt's listeners, and reports
 * the ack, the end of the work, or a failure. The front may live in this thread or in another one.
 */
export class ForwardedReceiver implements Receiver {
  #app: App | null = null;

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  handle(req: Forwarded, reply: (r: AppReply) => void): void {
    const app = this.#app;
    if (!app) throw new Error('ForwardedReceiver used before App.init');
    let acked = false;
    const event: ReceiverEvent = {
      body: req.body,
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        if (req.waitsForAck) reply({ type: 'ack', id: req.id, body: response });
      },
      ...(req.retryNum !== undefined ? { retryNum: req.retryNum } : {}),
      ...(req.retryReason !== undefined ? { retryReason: req.retryReason } : {}),
      customProperties: {},
    };
    app.processEvent(event).then(
      () => reply({ type: 'done', id: req.id }),
      (e: unknown) =>
        reply({
          type: 'failed',
          id: req.id,
          unauthorized: e instanceof AuthorizationError,
          message: e instanceof Error ? e.message : String(e),
        }),
    );
  }
}
