import type { RecoveryCase } from '../domain/recoveryCase.js';
import type { Reminder } from '../store/reminderRepo.js';

/** What the services need to know about a Slack user. */
export interface UserFacts {
  readonly tz: string | null;
  readonly locale: string | null;
  readonly name: string | null;
}

/** Looks a user up in Slack (users.info). Null when the user does not exist. */
export interface UserDirectory {
  lookup(teamId: string, userId: string): Promise<UserFacts | null>;
}

/**
 * Why a delivery failed, as the reminder engine needs to know it:
 * rate_limited  wait `retryAfterMs`, then try again
 * channel       the channel is gone or closed to us: fail the reminder, flag the case, no retries
 * auth          the workspace's token no longer works: pause the workspace
 * transient     timeouts, 5xx, network: try again later from the outbox
 */
export type DeliveryFailureKind = 'rate_limited' | 'channel' | 'auth' | 'transient';

export class DeliveryFailure extends Error {
  constructor(
    readonly kind: DeliveryFailureKind,
    readonly code: string,
    readonly retryAfterMs = 0,
  ) {
    super(`${kind}: ${code}`);
    this.name = 'DeliveryFailure';
  }
}

/** Posts reminders into case threads and re-renders case messages. Implemented by the Slack adapter. */
export interface ReminderChannel {
  /** Posts the reminder into the case's thread with metadata carrying `key`; returns the message ts. Throws DeliveryFailure. */
  deliver(r: Reminder, c: RecoveryCase, key: string): Promise<string>;
  /** Looks for an already-posted reminder with this key in the case thread; returns its ts or null. Throws DeliveryFailure. */
  findDelivered(c: RecoveryCase, key: string): Promise<string | null>;
  /** Re-renders the case's parent message from stored state. */
  refreshCase(c: RecoveryCase): Promise<void>;
}
