/**
 * Who looks at App Home, on both engines: what one process records, every process reads (the home
 * of a person who opened it through one replica is redrawn by a change another handles).
 */
import { expect, it } from 'vitest';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

describeEngines('App Home viewers', (engine) => {
  const s = storePerTest(engine);

  /** U1 opened at 1000 and U2 at 500 in T1, recorded by this process. */
  const twoOpenings = async () => {
    await s.store.repos.viewers.opened('T1', 'U1', 1000);
    await s.store.repos.viewers.opened('T1', 'U2', 500);
  };

  it('an opening recorded by one process is read by another, since the time asked', async () => {
    const other = await s.another();
    await twoOpenings();
    expect(await other.repos.viewers.watching('T1', ['U1', 'U2', 'U1'], 600)).toEqual(['U1']);
  });

  it('openings are read within their own team only', async () => {
    await twoOpenings();
    expect(await s.store.repos.viewers.watching('T2', ['U1'], 0)).toEqual([]);
  });

  it('asking about nobody reads nothing', async () => {
    await twoOpenings();
    expect(await s.store.repos.viewers.watching('T1', [], 0)).toEqual([]);
  });

  it('a later opening wins over an older word from another process', async () => {
    const other = await s.another();
    await twoOpenings();
    await other.repos.viewers.opened('T1', 'U1', 100); // an older word changes nothing
    expect(await s.store.repos.viewers.watching('T1', ['U1'], 900)).toEqual(['U1']);
  });

  it('openings older than the cut-off are forgotten', async () => {
    const other = await s.another();
    await twoOpenings();
    await other.repos.viewers.forgetBefore(800);
    expect(await s.store.repos.viewers.watching('T1', ['U1', 'U2'], 0)).toEqual(['U1']);
  });
});
