import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';
import { isDomainError } from '../domain/errors.js';
import type { Catalog } from '../i18n/index.js';
import { DeliveryFailure, isStorageFailure, type Log } from '../services/ports.js';
import { SHARING_UNKNOWN, STORAGE_FAILED } from '../services/presenter.js';

const CHANNEL_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'restricted_action',
  'thread_not_found',
  'message_not_found',
  // ours: the channel is shared with the client, so nothing of the case is posted there
  'channel_shared',
]);
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'token_revoked',
  'account_inactive_token',
  'not_authed',
  'no_permission',
  'missing_scope',
  'team_access_not_granted',
  'token_expired',
]);

/** A failure that only a person can fix (invite the bot, unarchive the channel): retrying won't help. */
export const isChannelProblem = (code: string | null): boolean =>
  code !== null && CHANNEL_ERRORS.has(code);

/** The Slack error code of a Web API failure, recognised by @slack/web-api's error classes. */
export function slackErrorCode(e: unknown): string | null {
  const err = e as { code?: string };
  switch (err?.code) {
    case ErrorCode.PlatformError:
      return (e as WebAPIPlatformError).data.error;
    case ErrorCode.RateLimitedError:
      return 'ratelimited';
    case ErrorCode.HTTPError:
      return `http_${(e as WebAPIHTTPError).statusCode}`;
    case ErrorCode.RequestError:
      return 'request_error';
    default:
      return null;
  }
}

/** Maps a Web API failure onto what the reminder engine should do about it. */
export function toDeliveryFailure(e: unknown): DeliveryFailure {
  const err = e as { code?: string };
  if (err?.code === ErrorCode.RateLimitedError)
    return new DeliveryFailure(
      'rate_limited',
      'ratelimited',
      (e as WebAPIRateLimitedError).retryAfter * 1000,
    );
  const code = slackErrorCode(e) ?? 'unknown';
  if (code === 'account_inactive') return new DeliveryFailure('channel', code);
  if (CHANNEL_ERRORS.has(code)) return new DeliveryFailure('channel', code);
  if (AUTH_ERRORS.has(code)) return new DeliveryFailure('auth', code);
  return new DeliveryFailure(
    'transient',
    code === 'unknown' ? String((e as Error)?.message ?? e).slice(0, 200) : code,
  );
}

/**
 * The one error mapper: known domain codes become a friendly sentence; anything else is logged with
 * an id the user can quote.
 */
export function friendly(e: unknown, cat: Catalog, log: Log): string {
  if (isDomainError(e)) {
    if (e.code === 'cannot_undo' && e.detail && e.detail in cat.corrections.refused)
      return cat.corrections.refused[e.detail as keyof Catalog['corrections']['refused']];
    if (e.code === 'invalid_input' && e.detail && e.detail in cat.corrections.field)
      return cat.corrections.field[e.detail as keyof Catalog['corrections']['field']];
    if ((e.code === 'invalid_input' || e.code === 'reason_required') && e.detail) {
      const fields = cat.errors.field as Record<string, string>;
      const d = e.detail;
      // An outline part left empty, or too long (the limit is named: three parts share one).
      const field =
        fields[d] ??
        (d.startsWith('outline_')
          ? fields[d.endsWith('_too_long') ? 'outline_too_long' : 'outline']
          : undefined);
      if (field) return field;
    }
    return cat.errors[e.code];
  }
  const id = `E-${randomBytes(4).toString('hex')}`;
  if (isStorageFailure(e)) {
    // Disk full, database locked or unreadable: the transaction was rolled back, nothing changed.
    const storage = (e as { code: string }).code;
    log.error('could not save', { id, err: e, storage });
    return cat.errors.notSaved;
  }
  const code = slackErrorCode(e);
  log.error('unexpected error', {
    id,
    err: e,
    slack: code,
  });
  return cat.errors.unknown(id);
}

/**
 * What went wrong with Slack, in a person's terms: `busy` (rate limited), `silent` (no answer: a
 * 5xx, a proxy's error page, the network, a timeout, or Slack's own internal error), `refused`
 * (Slack answered no). Null when the failure is not Slack's.
 */
export type SlackTrouble = 'busy' | 'silent' | 'refused';

/** Platform errors that are Slack failing on its side, not a no to the request. */
const SLACK_SIDE = new Set([
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
]);

/** A code slackErrorCode (or a DeliveryFailure) gives, as a kind of trouble. */
function troubleOfCode(code: string): SlackTrouble {
  if (code === 'ratelimited') return 'busy';
  if (code === 'request_error' || /^http_\d+$/.test(code) || SLACK_SIDE.has(code)) return 'silent';
  return 'refused';
}

/** The kind of trouble a Web API failure is, recognised by @slack/web-api's error classes. */
export function slackTrouble(e: unknown): SlackTrouble | null {
  switch ((e as { code?: string } | null)?.code) {
    case ErrorCode.RateLimitedError:
      return 'busy';
    case ErrorCode.HTTPError:
    case ErrorCode.RequestError:
      return 'silent';
    case ErrorCode.PlatformError: {
      const code = (e as WebAPIPlatformError).data.error;
      return code === 'ratelimited' ? 'busy' : SLACK_SIDE.has(code) ? 'silent' : 'refused';
    }
    default:
      return null;
  }
}

/** What the person reads when a form they asked for did not open: nothing changed, and why. */
export function formFailed(e: unknown, cat: Catalog): string {
  const trouble = slackTrouble(e);
  return trouble === 'busy'
    ? cat.errors.form.busy
    : trouble === 'silent'
      ? cat.errors.form.silent
      : cat.errors.form.failed;
}

/**
 * What the person reads when a case they saved (opened, or moved) is not in its channel yet: the
 * code of the presenter's failure, said as what happened and what Amends does about it. Every
 * one of these paths has the case stored; the minute sweep posts what is not a channel problem.
 */
export function notShown(code: string | null, cat: Catalog): string {
  const s = cat.errors.notShown;
  if (code === SHARING_UNKNOWN) return cat.shared.unknown;
  if (code === 'not_in_channel' || code === 'channel_not_found') return cat.errors.notInChannel;
  if (code === STORAGE_FAILED) return s.storage;
  if (code === null) return s.later;
  if (CHANNEL_ERRORS.has(code)) return s.blocked;
  if (AUTH_ERRORS.has(code)) return s.access;
  const trouble = troubleOfCode(code);
  return trouble === 'busy' ? s.busy : trouble === 'silent' ? s.silent : s.later;
}
