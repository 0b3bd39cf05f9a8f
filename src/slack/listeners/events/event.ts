import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';

/** What Bolt hands an event listener (Bolt acknowledges an event before any listener runs). */
export type EventArgs<E extends string = string> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;
