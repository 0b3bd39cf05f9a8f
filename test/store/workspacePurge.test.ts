/**
 * A workspace that uninstalled Amends, on both engines: paused from the first word of it (the two
 * events in either order), kept for the retention period, then every row of it deleted at once and
 * nothing of another workspace.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import { WorkspaceService } from '../../src/services/workspaces.js';
import { InstallationRepo } from '../../src/store/installationRepo.js';
import { TokenCipher } from '../../src/store/tokenCipher.js';
import { UNINSTALLED, WORKSPACE_TABLES } from '../../src/store/workspaceRepo.js';
import { openInput } from '../helpers/builders.js';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-07T10:00:00Z');
const days = (n: number) => new Date(NOW.getTime() + n * DAY);

describeEngines('uninstalled workspaces', (engine) => {
  const s = storePerTest(engine);

  /** A workspace with a row in every table that holds a workspace's data. */
  async function populate(team: string): Promise<void> {
    const c = await s.cases.insert(
      openCase(openInput({ teamId: team, ownerId: 'U1', creatorId: 'U1' }), DEFAULT_PLAYBOOK, NOW),
      NOW,
      `req-${team}`,
    );
    await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    await s.lines.add(team, c.id, { text: 'x', blocks: [] }, NOW);
    await s.profiles.put(team, 'U1', { tz: 'Europe/Rome', locale: 'it-IT', name: 'Maria' }, NOW);
    await s.reminders.reservePace(team, 'C1', NOW.getTime(), 1000, 60_000);
    await s.store.repos.viewers.opened(team, 'U1', NOW.getTime());
    await new InstallationRepo(s.conn, new TokenCipher([randomBytes(32)])).save(
      {
        enterpriseId: null,
        teamId: team,
        isEnterpriseInstall: false,
        userId: 'U1',
        installation: {},
      },
      NOW.getTime(),
    );
    await s.store.repos.clients.save(
      team,
      'acme',
      'Acme',
      { contact: null, email: null, tz: null, lang: null, place: null },
      NOW,
    );
    await new InstallationRepo(s.conn, new TokenCipher([randomBytes(32)])).seenInOrg(
      team,
      'E0ORG0001',
      NOW.getTime(),
    );
    await s.workspaces.pause(team, 'invalid_auth', NOW);
  }
  const rowsOf = async (team: string) => {
    const out: Record<string, number> = {};
    for (const t of WORKSPACE_TABLES) {
      const r = await s.conn.get<{ n: number }>(
        t === 'installations'
          ? 'SELECT COUNT(*) AS n FROM installations WHERE scope = ?'
          : `SELECT COUNT(*) AS n FROM ${t} WHERE team_id = ?`,
        [t === 'installations' ? `T:${team}` : team],
      );
      out[t] = Number(r?.n);
    }
    return out;
  };

  it('every table with a team_id is one a purge empties (a new table cannot be forgotten)', async () => {
    const tables =
      engine === 'sqlite'
        ? await s.conn.all<{ name: string }>(
            `SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND p.name = 'team_id' ORDER BY 1`,
          )
        : await s.conn.all<{ name: string }>(
            `SELECT table_name AS name FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'team_id' ORDER BY 1`,
          );
    const purged = new Set<string>(WORKSPACE_TABLES);
    expect(tables.map((t) => t.name).filter((t) => !purged.has(t))).toEqual([]);
  });

  it('uninstalled from the first word, a later pause not undoing it', async () => {
    await s.workspaces.uninstalled('T1', days(0));
    await s.workspaces.pause('T1', 'tokens_revoked', days(1));
    await s.workspaces.uninstalled('T1', days(2)); // the second event: the first date counts
    expect(await s.workspaces.pausedReason('T1')).toBe(UNINSTALLED);
    expect(await s.workspaces.uninstalledBefore(days(1))).toEqual(['T1']);
  });

  it('paused first, then uninstalled: uninstalled from the uninstall', async () => {
    await s.workspaces.pause('T2', 'invalid_auth', days(0));
    await s.workspaces.uninstalled('T2', days(3));
    expect(await s.workspaces.uninstalledBefore(days(1))).toEqual([]);
    expect(await s.workspaces.uninstalledBefore(days(4))).toEqual(['T2']);
  });

  /** T1 and T2 with rows in every workspace table, T1 uninstalled on day 0. */
  const t1Uninstalled = async () => {
    await populate('T1');
    await populate('T2');
    const service = new WorkspaceService(s.workspaces);
    await service.uninstalled('T1', days(0));
    return service;
  };

  it('within the retention period an uninstalled workspace keeps every row', async () => {
    const service = await t1Uninstalled();
    expect(await service.purgeUninstalled(days(29), 30)).toEqual([]); // within 30 days: kept
    expect(Object.values(await rowsOf('T1')).every((n) => n > 0)).toBe(true);
  });

  it('after the retention period every row of the workspace goes, in one go', async () => {
    const service = await t1Uninstalled();
    const done = await service.purgeUninstalled(days(31), 30);
    expect(done.map((d) => d.teamId)).toEqual(['T1']);
    expect(Object.keys(done[0]?.deleted ?? {}).sort()).toEqual([...WORKSPACE_TABLES].sort());
    expect(Object.values(await rowsOf('T1')).every((n) => n === 0)).toBe(true);
    expect(await service.purgeUninstalled(days(32), 30)).toEqual([]); // repeated: nothing
  });

  it('purging an uninstalled workspace leaves another workspace every row', async () => {
    const service = await t1Uninstalled();
    const kept = await rowsOf('T2');
    expect(Object.values(kept).every((n) => n > 0)).toBe(true);
    expect((await service.purgeUninstalled(days(31), 30)).map((d) => d.teamId)).toEqual(['T1']);
    expect(await rowsOf('T2')).toEqual(kept);
  });

  it('installed again before the period ends (a post worked): nothing is deleted', async () => {
    await populate('T1');
    const service = new WorkspaceService(s.workspaces);
    await service.uninstalled('T1', days(0));
    await service.resume('T1');
    expect(await service.purgeUninstalled(days(60), 30)).toEqual([]);
    expect(Object.values(await rowsOf('T1')).every((n) => n > 0)).toBe(true);
  });
});

describeEngines('an uninstalled workspace’s waiting work', (engine) => {
  const s = storePerTest(engine);
  const later = days(1);
  const opened = (team: string) =>
    s.cases.insert(
      openCase(openInput({ teamId: team, ownerId: 'U1', creatorId: 'U1' }), DEFAULT_PLAYBOOK, NOW),
      NOW,
    );

  it('its unposted cases are not listed for posting (it has no token to post with)', async () => {
    const gone = await opened('T0GONE001');
    const here = await opened('T0HERE001');
    await s.workspaces.uninstalled('T0GONE001', NOW);
    expect((await s.cases.listUnposted(10)).map((c) => c.id)).toEqual([here.id]);
    expect(gone.id).not.toBe(here.id);
  });

  it('its cases missing a first reply are not listed', async () => {
    const gone = await opened('T0GONE001');
    await s.cases.setMessageTs('T0GONE001', gone.id, '1.000100');
    await s.workspaces.uninstalled('T0GONE001', NOW);
    expect(await s.cases.listMissingFirstReply(later, 10)).toEqual([]);
  });

  it('its pending thread lines are not listed', async () => {
    const gone = await opened('T0GONE001');
    await s.lines.add('T0GONE001', gone.id, { text: 'x', blocks: [] }, NOW);
    await s.workspaces.uninstalled('T0GONE001', NOW);
    expect(await s.lines.casesWithPending(later, 10)).toEqual([]);
  });

  it('installed again (resumed), its unposted cases are listed again', async () => {
    const gone = await opened('T0GONE001');
    await s.workspaces.uninstalled('T0GONE001', NOW);
    await s.workspaces.resume('T0GONE001');
    expect((await s.cases.listUnposted(10)).map((c) => c.id)).toEqual([gone.id]);
  });
});
