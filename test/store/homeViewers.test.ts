/**
 * Who looks at App Home, on both engines: what one process records, every process reads (the home
 * of a person who opened it through one replica is redrawn by a change another handles).
 */
import { expect, it } from 'vitest';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

describeEngines('App Home viewers', (engine) => {
  const s = storePerTest(engine);

  it('an opening recorded by one process is read by another; a later one wins; old ones are forgotten', async () => {
    const other = await s.another();
    await s.store.repos.viewers.opened('T1', 'U1', 1000);
    await s.store.repos.viewers.opened('T1', 'U2', 500);
    expect(await other.repos.viewers.watching('T1', ['U1', 'U2', 'U1'], 600)).toEqual(['U1']);
    await other.repos.viewers.opened('T1', 'U1', 100); // an older word changes nothing
    expect(await s.store.repos.viewers.watching('T1', ['U1'], 900)).toEqual(['U1']);
    expect(await s.store.repos.viewers.watching('T2', ['U1'], 0)).toEqual([]);
    expect(await s.store.repos.viewers.watching('T1', [], 0)).toEqual([]);
    await other.repos.viewers.forgetBefore(800);
    expect(await s.store.repos.viewers.watching('T1', ['U1', 'U2'], 0)).toEqual(['U1']);
  });
});
