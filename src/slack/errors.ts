import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';
import { isDomainError } from '../domain/errors.js';
import type { Catalog } from '../i18n/index.js';
import { DeliveryFailure } from '../services/ports.js';

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
export function friendly(
  e: unknown,
  cat: Catalog,
  log: (msg: string, extra: Record<string, unknown>) => void,
): string {
  if (isDomainError(e)) {
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
  const storage = (e as { code?: unknown })?.code;
  if (typeof storage === 'string' && storage.startsWith('SQLITE_')) {
    // Disk full, database locked or unreadable: the transaction was rolled back, nothing changed.
    log('could not save', { id, error: e instanceof Error ? e.message : String(e), storage });
    return cat.errors.notSaved;
  }
  const code = slackErrorCode(e);
  log('unexpected error', {
    id,
    error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    slack: code,
  });
  return cat.errors.unknown(id);
}
