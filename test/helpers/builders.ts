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

/** Runs `fn` and returns the DomainError it throws (fails if it throws nothing or something else). */
export function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}
