/**
 * Where Amends is installed (OAuth), on both engines: Slack's installation kept whole and sealed,
 * found by team (or by enterprise for an org-wide install), with the installer's own beside it;
 * an upsert (saved again after every token refresh); deleted at once on uninstall.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InstallationRepo } from '../../src/store/installationRepo.js';
import { parseKeys, TokenCipher } from '../../src/store/tokenCipher.js';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

const key = () => randomBytes(32);

/** A workspace installation as Slack's OAuth (v2) gives it to Bolt's installer. */
function installation(team: string, user: string, bot = `xoxb-${team}-1`) {
  return {
    team: { id: team, name: `Team ${team}` },
    enterprise: undefined,
    user: { id: user, token: undefined, scopes: undefined },
    bot: { id: `B${team}`, userId: `U${team}BOT`, token: bot, scopes: ['chat:write', 'commands'] },
    appId: 'A0AMENDS01',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

describe('TokenCipher', () => {
  it('opens what it sealed', () => {
    const c = new TokenCipher([key()]);
    expect(c.open(c.seal('xoxb-secret-token'))).toBe('xoxb-secret-token');
  });

  it('seals the same token differently each time (a fresh nonce), both opening', () => {
    const c = new TokenCipher([key()]);
    const a = c.seal('xoxb-secret-token');
    const b = c.seal('xoxb-secret-token');
    expect(a).not.toBe(b);
    expect(c.open(a)).toBe('xoxb-secret-token');
    expect(c.open(b)).toBe('xoxb-secret-token');
  });

  it('a seal shows nothing of the token', () => {
    expect(new TokenCipher([key()]).seal('xoxb-secret-token')).not.toContain('secret');
  });

  it('refuses a value altered by one character', () => {
    const c = new TokenCipher([key()]);
    const parts = c.seal('xoxb-secret-token').split('.');
    const body = parts[4] as string;
    parts[4] = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    expect(() => c.open(parts.join('.'))).toThrow(/altered/);
  });

  it('refuses a value sealed by a key it was not given', () => {
    const sealed = new TokenCipher([key()]).seal('xoxb-secret-token');
    expect(() => new TokenCipher([key()]).open(sealed)).toThrow(/not among the keys given/);
  });

  it('refuses a value that was never sealed', () => {
    expect(() => new TokenCipher([key()]).open('xoxb-plain')).toThrow(/not a sealed value/);
  });

  /** A value sealed under the old key, and a cipher holding the new key first, then the old. */
  const keyChange = () => {
    const oldKey = key();
    const newKey = key();
    return {
      before: new TokenCipher([oldKey]).seal('t1'),
      both: new TokenCipher([newKey, oldKey]),
    };
  };

  it('during a key change a value sealed with the old key opens', () => {
    const { before, both } = keyChange();
    expect(both.open(before)).toBe('t1');
  });

  it('during a key change a value sealed with the old key reads as stale', () => {
    const { before, both } = keyChange();
    expect(both.isStale(before)).toBe(true);
  });

  it('during a key change the new key seals', () => {
    const { both } = keyChange();
    expect(both.isStale(both.seal('t2'))).toBe(false);
  });

  it('reads keys as 64 hex digits or base64, one or two', () => {
    const k = key();
    expect(parseKeys(k.toString('hex'))[0]?.equals(k)).toBe(true);
    expect(parseKeys(`${k.toString('base64')}, ${key().toString('hex')}`)).toHaveLength(2);
  });

  it('says how to make a key when the one given is wrong', () => {
    const k = key();
    expect(() => parseKeys('short')).toThrow(/openssl rand -base64 32/);
    expect(() => parseKeys('  ')).toThrow(/no encryption key/);
    expect(() => new TokenCipher([k, k])).toThrow(/twice/);
  });
});

describeEngines('installations', (engine) => {
  const s = storePerTest(engine);
  const cipher = new TokenCipher([key()]);
  const repo = () => new InstallationRepo(s.conn, cipher);

  const saveT1 = (r: InstallationRepo) =>
    r.save(
      {
        enterpriseId: null,
        teamId: 'T1',
        isEnterpriseInstall: false,
        userId: 'U1',
        installation: installation('T1', 'U1'),
      },
      1000,
    );

  it('a workspace installation is found by its team, with the asking installer’s own', async () => {
    const r = repo();
    await saveT1(r);
    const found = await r.find({ teamId: 'T1', isEnterpriseInstall: false, userId: 'U1' });
    expect(found?.latest).toMatchObject({ bot: { token: 'xoxb-T1-1' } });
    expect(found?.user).toMatchObject({ user: { id: 'U1' } });
    // Someone else in the workspace: the workspace's installation, no installation of their own.
    const other = await r.find({ teamId: 'T1', isEnterpriseInstall: false, userId: 'U2' });
    expect(other?.latest).toMatchObject({ bot: { token: 'xoxb-T1-1' } });
    expect(other?.user).toBeNull();
    expect(await r.find({ teamId: 'T2', isEnterpriseInstall: false })).toBeNull();
  });

  it('a workspace installation is never stored in clear text', async () => {
    await saveT1(repo());
    const raw = await s.conn.all<{ sealed: string }>('SELECT sealed FROM installations');
    expect(raw).toHaveLength(2);
    for (const row of raw) expect(row.sealed).not.toContain('xoxb');
  });

  it('saving again (a token refresh, a re-install) replaces the tokens, keeps one row each', async () => {
    const r = repo();
    const rec = { enterpriseId: null, teamId: 'T1', isEnterpriseInstall: false, userId: 'U1' };
    await r.save({ ...rec, installation: installation('T1', 'U1', 'xoxb-old') }, 1000);
    await r.save({ ...rec, installation: installation('T1', 'U1', 'xoxb-new') }, 2000);
    // Another admin re-installs: they become the latest, the first keeps their own.
    await r.save(
      { ...rec, userId: 'U3', installation: installation('T1', 'U3', 'xoxb-newer') },
      3000,
    );
    expect((await r.find({ teamId: 'T1', isEnterpriseInstall: false }))?.latest).toMatchObject({
      bot: { token: 'xoxb-newer' },
      user: { id: 'U3' },
    });
    const mine = await r.find({ teamId: 'T1', isEnterpriseInstall: false, userId: 'U1' });
    expect(mine?.user).toMatchObject({ bot: { token: 'xoxb-new' } });
    const n = await s.conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM installations');
    expect(Number(n?.n)).toBe(3);
    expect(await r.installed()).toEqual([
      { enterpriseId: null, teamId: 'T1', isEnterpriseInstall: false },
    ]);
  });

  it('an org-wide install is found by its enterprise id, never by a workspace query', async () => {
    const r = repo();
    await r.save(
      {
        enterpriseId: 'E1',
        teamId: null,
        isEnterpriseInstall: true,
        userId: 'U9',
        installation: {
          ...installation('X', 'U9', 'xoxb-org'),
          team: undefined,
          enterprise: { id: 'E1' },
          isEnterpriseInstall: true,
        },
      },
      1000,
    );
    await r.save(
      {
        enterpriseId: null,
        teamId: 'T2',
        isEnterpriseInstall: false,
        userId: 'U2',
        installation: installation('T2', 'U2'),
      },
      1000,
    );
    expect(
      (await r.find({ enterpriseId: 'E1', teamId: 'T5', isEnterpriseInstall: true }))?.latest,
    ).toMatchObject({
      bot: { token: 'xoxb-org' },
    });
    expect(
      await r.find({ enterpriseId: 'E1', teamId: 'T5', isEnterpriseInstall: false }),
    ).toBeNull();
    expect(await r.find({ enterpriseId: 'E2', isEnterpriseInstall: true })).toBeNull();
    await expect(r.find({ isEnterpriseInstall: true })).rejects.toThrow(/enterprise id/);
    await expect(r.find({ isEnterpriseInstall: false })).rejects.toThrow(/team id/);
    expect(await r.installed()).toEqual([
      { enterpriseId: 'E1', teamId: null, isEnterpriseInstall: true },
      { enterpriseId: null, teamId: 'T2', isEnterpriseInstall: false },
    ]);
  });

  const saveT1T1T2 = async (r: InstallationRepo) => {
    for (const [team, user] of [
      ['T1', 'U1'],
      ['T1', 'U3'],
      ['T2', 'U2'],
    ] as const)
      await r.save(
        {
          enterpriseId: null,
          teamId: team,
          isEnterpriseInstall: false,
          userId: user,
          installation: installation(team, user),
        },
        1000,
      );
  };

  it('uninstalling for one user deletes that user’s own row alone', async () => {
    const r = repo();
    await saveT1T1T2(r);
    expect(await r.delete({ teamId: 'T1', isEnterpriseInstall: false, userId: 'U1' })).toBe(1);
    expect(
      (await r.find({ teamId: 'T1', isEnterpriseInstall: false, userId: 'U1' }))?.user,
    ).toBeNull();
    expect(
      (await r.find({ teamId: 'T1', isEnterpriseInstall: false, userId: 'U3' }))?.user,
    ).toBeTruthy();
  });

  it('uninstalling deletes every row of the workspace at once, another workspace’s none', async () => {
    const r = repo();
    await saveT1T1T2(r);
    // The workspace's installation and its two installers' own.
    expect(await r.delete({ teamId: 'T1', isEnterpriseInstall: false })).toBe(3);
    expect(await r.find({ teamId: 'T1', isEnterpriseInstall: false })).toBeNull();
    expect(await r.delete({ teamId: 'T1', isEnterpriseInstall: false })).toBe(0); // repeated: nothing
    expect((await r.find({ teamId: 'T2', isEnterpriseInstall: false }))?.latest).toBeTruthy();
  });

  const seenInTwoOrgs = async (r: InstallationRepo) => {
    await r.seenInOrg('T1', 'E1', 1000);
    await r.seenInOrg('T2', 'E1', 1000);
    await r.seenInOrg('T3', 'E2', 1000);
  };

  it('the org a workspace was seen in is kept for every process', async () => {
    const r = repo();
    expect(await r.orgOf('T1')).toBeNull();
    await seenInTwoOrgs(r);
    expect(await new InstallationRepo((await s.another()).conn, cipher).orgOf('T1')).toBe('E1');
    expect(await r.teamsOf('E1')).toEqual(['T1', 'T2']);
  });

  it('the latest word on a workspace’s org wins', async () => {
    const r = repo();
    await seenInTwoOrgs(r);
    await r.seenInOrg('T1', 'E2', 2000); // moved to another org
    expect(await r.orgOf('T1')).toBe('E2');
    expect(await r.teamsOf('E1')).toEqual(['T2']);
  });

  const oldKey = key();
  const newKey = key();
  const q = { teamId: 'T1', isEnterpriseInstall: false } as const;
  const savedWithOldKey = () =>
    new InstallationRepo(s.conn, new TokenCipher([oldKey])).save(
      {
        enterpriseId: null,
        teamId: 'T1',
        isEnterpriseInstall: false,
        userId: 'U1',
        installation: installation('T1', 'U1'),
      },
      1000,
    );

  it('the old key dropped before a rewrap: reading says so rather than reading garbage', async () => {
    await savedWithOldKey();
    await expect(new InstallationRepo(s.conn, new TokenCipher([newKey])).find(q)).rejects.toThrow(
      /not among the keys given/,
    );
  });

  it('after a key change, rewrap seals every row with the new key, which alone then reads them', async () => {
    await savedWithOldKey();
    const during = new InstallationRepo(s.conn, new TokenCipher([newKey, oldKey]));
    expect(await during.rewrap()).toBe(2);
    expect(await during.rewrap()).toBe(0);
    const after = new InstallationRepo(s.conn, new TokenCipher([newKey]));
    expect((await after.find(q))?.latest).toMatchObject({ bot: { token: 'xoxb-T1-1' } });
  });
});
