/**
 * Bolt's own InstallProvider over our installation store: what `authorize` finds for a request,
 * and a token refresh (rotation) saved back, sealed, against a fake `oauth.v2.access`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstallProvider } from '@slack/oauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SlackInstallations } from '../../src/slack/installations.js';
import { InstallationRepo } from '../../src/store/installationRepo.js';
import { TokenCipher } from '../../src/store/tokenCipher.js';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from '../store/engine.js';

/** A fake Slack answering oauth.v2.access for a refresh: a new token each time, counted. */
let server: Server;
let apiUrl = '';
const refreshes: URLSearchParams[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      if (
        req.url?.startsWith('/api/oauth.v2.access') &&
        form.get('grant_type') === 'refresh_token'
      ) {
        refreshes.push(form);
        const n = refreshes.length;
        res.end(
          JSON.stringify({
            ok: true,
            token_type: 'bot',
            access_token: `xoxe.xoxb-fresh-${n}`,
            refresh_token: `xoxe-refresh-${n + 1}`,
            expires_in: 43_200,
          }),
        );
      } else res.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describeEngines('Bolt’s InstallProvider on our installation store', (engine) => {
  const s = storePerTest(engine);
  const now = { t: new Date('2026-12-07T09:00:00Z') };
  const cipher = new TokenCipher([randomBytes(32)]);
  const store = () =>
    new SlackInstallations(new InstallationRepo(s.conn, cipher), { now: () => now.t });
  const provider = (installationStore: SlackInstallations) =>
    new InstallProvider({
      clientId: '111.222',
      clientSecret: 'secret',
      stateSecret: 'state-secret',
      installationStore,
      clientOptions: { slackApiUrl: apiUrl },
    });

  it('authorize finds each workspace’s own bot token, and says which workspace is not installed', async () => {
    const st = store();
    for (const team of ['T1', 'T2'])
      await st.storeInstallation({
        team: { id: team, name: team },
        enterprise: undefined,
        user: { id: `U${team}`, token: undefined, scopes: undefined },
        bot: { id: `B${team}`, userId: `UB${team}`, token: `xoxb-${team}`, scopes: ['chat:write'] },
        isEnterpriseInstall: false,
        authVersion: 'v2',
      });
    const p = provider(st);
    expect(
      (await p.authorize({ enterpriseId: undefined, teamId: 'T1', isEnterpriseInstall: false }))
        .botToken,
    ).toBe('xoxb-T1');
    expect(
      (
        await p.authorize({
          enterpriseId: undefined,
          teamId: 'T2',
          isEnterpriseInstall: false,
          userId: 'UT1',
        })
      ).botToken,
    ).toBe('xoxb-T2');
    await expect(
      p.authorize({ enterpriseId: undefined, teamId: 'T3', isEnterpriseInstall: false }),
    ).rejects.toThrow(/not installed in workspace T3/);
  });

  it('an expiring rotated token is refreshed once and the new one saved (sealed), then used without refreshing', async () => {
    const st = store();
    const before = refreshes.length;
    await st.storeInstallation({
      team: { id: 'T1', name: 'T1' },
      enterprise: undefined,
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: {
        id: 'B1',
        userId: 'UB1',
        token: 'xoxe.xoxb-old',
        refreshToken: 'xoxe-refresh-1',
        expiresAt: Math.floor(Date.now() / 1000) + 60, // within Bolt's two-hour margin
        scopes: ['chat:write'],
      },
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    const p = provider(st);
    const first = await p.authorize({
      enterpriseId: undefined,
      teamId: 'T1',
      isEnterpriseInstall: false,
    });
    expect(first.botToken).toMatch(/^xoxe\.xoxb-fresh-/);
    expect(refreshes.length - before).toBe(1);
    expect(refreshes.at(-1)?.get('refresh_token')).toBe('xoxe-refresh-1');
    const again = await p.authorize({
      enterpriseId: undefined,
      teamId: 'T1',
      isEnterpriseInstall: false,
    });
    expect(again.botToken).toBe(first.botToken);
    expect(refreshes.length - before).toBe(1);
    const rows = await s.conn.all<{ sealed: string }>('SELECT sealed FROM installations');
    for (const r of rows) expect(r.sealed).not.toContain('xoxe');
  });

  it('deleteInstallation removes the workspace: authorize then fails', async () => {
    const st = store();
    await st.storeInstallation({
      team: { id: 'T1', name: 'T1' },
      enterprise: undefined,
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: { id: 'B1', userId: 'UB1', token: 'xoxb-T1', scopes: ['chat:write'] },
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    await st.deleteInstallation({
      enterpriseId: undefined,
      teamId: 'T1',
      isEnterpriseInstall: false,
    });
    await expect(
      provider(st).authorize({ enterpriseId: undefined, teamId: 'T1', isEnterpriseInstall: false }),
    ).rejects.toThrow(/not installed/);
  });
});
