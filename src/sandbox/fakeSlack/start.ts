/** Starts the fake Slack: a world, its faults and its HTTP server, behind the FakeSlack handle. */
import type { AddressInfo } from 'node:net';
import { Faults } from './http/faults.js';
import { createFakeServer } from './http/server.js';
import type { ChannelSharing, FailureSpec, FakeApp, FakeSlack, FakeSlackOptions } from './types.js';
import { FakeWorld } from './world.js';

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const w = new FakeWorld(opts);
  const faults = new Faults(opts.latencyMs ?? 0);
  const { server, idle } = createFakeServer(w, faults);

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  w.base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return Object.assign(w.emitter, {
    url: `${w.base}/api/`,
    responseUrlBase: `${w.base}/response/`,
    teamId: w.teamId,
    botUserId: w.botUserId,
    botId: w.botId,
    calls: w.calls,
    messages: w.messages,
    ephemerals: w.ephemerals,
    views: w.views,
    homeViews: w.homeViews,
    responses: w.responses,
    files: w.files,
    callsTo: (method: string) => w.calls.filter((c) => c.method === method),
    findMessage: w.findMessage,
    idle,
    hold: () => faults.hold(),
    failNext: (method: string, error: FailureSpec, times = 1) =>
      faults.failNext(method, error, times),
    archiveChannel: (id: string) => void w.archived.add(id),
    kickFromChannel: (id: string) => void w.kicked.add(id),
    inviteToChannel: (id: string) => void w.kicked.delete(id),
    shareChannel(id: string, how: ChannelSharing) {
      if (how === 'none') w.sharing.delete(id);
      else w.sharing.set(id, how);
    },
    sharingOf: (id: string): ChannelSharing => w.sharing.get(id) ?? 'none',
    registerApp(a: FakeApp) {
      w.app = a;
    },
    markInstalled: (team: string) => void w.installed.add(team),
    teamOfToken: w.teamOfToken,
    reset() {
      w.reset();
      faults.reset();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  });
}
