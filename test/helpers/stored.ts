import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import type { Store } from '../../src/store/index.js';

/**
 * Every stored case of `team`, oldest first, read through the store's ports (the report's read
 * finds them, the case repository loads each); throws if another workspace holds any case, so a
 * caller sees every case there is.
 */
export async function everyCase(store: Store, team: string): Promise<RecoveryCase[]> {
  const ids = (await store.reports.load({ teamId: team })).map((c) => c.id);
  const all = (await store.ops.rows()).cases;
  if (all !== ids.length)
    throw new Error(`${all - ids.length} case(s) stored in another workspace`);
  const cases: RecoveryCase[] = [];
  for (const id of ids) cases.push(await store.repos.cases.require(team, id));
  return cases;
}
