/** Stable codes the Slack adapter maps to friendly sentences (see i18n `errors`). */
export const ERROR_CODES = [
  'case_not_found',
  'step_not_found',
  'stale_action',
  'already_done',
  'case_closed',
  'not_optional',
  'reason_required',
  'invalid_transition',
  'invalid_input',
  'duplicate_request',
  'changes_open',
  'same_case',
  'cannot_undo',
] as const;
export type DomainErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly detail: string | undefined;
  constructor(code: DomainErrorCode, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'DomainError';
    this.code = code;
    this.detail = detail;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
