import { DomainError } from '../../src/domain/errors.js';
import type { OpenCaseInput } from '../../src/domain/recoveryCase.js';

/** A major case for Acme, owned and opened by U0OWNER01 in Rome; override what a test is about. */
export function openInput(o: Partial<OpenCaseInput> = {}): OpenCaseInput {
  return {
    teamId: 'T0TEAM001',
    channelId: 'C0CHAN001',
    client: 'Acme',
    summary: 'Wrong pallets',
    severity: 'major',
    ownerId: 'U0OWNER01',
    creatorId: 'U0OWNER01',
    lang: 'en',
    tz: 'Europe/Rome',
    ...o,
  };
}

/**
 * Runs `fn` and returns the DomainError it throws (fails if it throws nothing or something else).
 * Given an async `fn` (a store or service call), it returns a Promise of the DomainError it rejects with.
 */
export function domainError(fn: () => Promise<unknown>): Promise<DomainError>;
export function domainError(fn: () => unknown): DomainError;
export function domainError(fn: () => unknown): DomainError | Promise<DomainError> {
  const caught = (e: unknown): DomainError => {
    if (e instanceof DomainError) return e;
    throw e;
  };
  const none = (): never => {
    throw new Error('expected a DomainError');
  };
  let v: unknown;
  try {
    v = fn();
  } catch (e) {
    return caught(e);
  }
  if (v instanceof Promise) return v.then(none, caught);
  return none();
}
