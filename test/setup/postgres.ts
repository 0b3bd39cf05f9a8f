/**
 * Vitest global setup: the run's PostgreSQL (see test/helpers/postgres.ts), found or started once
 * and given to every test file as `inject('amendsPgUrl')`; stopped when the run ends. Without one
 * the PostgreSQL suites are skipped and one line says why, except under CI=true, where the run
 * fails: CI must test both engines.
 */
import type { TestProject } from 'vitest/node';
import { findPostgres } from '../helpers/postgres.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const found = await findPostgres();
  if (!found.server) {
    if (process.env.CI === 'true')
      throw new Error(`CI=true and no PostgreSQL for the tests: ${found.missing}`);
    console.warn(`PostgreSQL suites skipped: ${found.missing}`);
    project.provide('amendsPgUrl', '');
    project.provide('amendsPgMissing', found.missing);
    return async () => {};
  }
  const { server } = found;
  if (process.env.CI === 'true') console.log(`PostgreSQL for the tests: ${server.origin}`);
  project.provide('amendsPgUrl', server.url);
  project.provide('amendsPgMissing', '');
  return () => server.stop();
}
