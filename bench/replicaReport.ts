import { LEASE_MS } from '../src/services/leases.js';
import { ms, n0, type Target, table } from './lib/table.js';
import type { ReplicaArgs, ReplicaFigure } from './replicaBench.js';

const s1 = (v: number) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} s` : 'n/a');
const list = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join('; ');

/** Prints the replica rows (section 9 of the bench) and adds their targets to `targets`. */
export function printReplicas(
  fig: ReplicaFigure,
  P: Pick<ReplicaArgs, 'reminders' | 'channels' | 'latencyMs' | 'failover'>,
  targets: Target[],
): void {
  const perChannel = Math.ceil(P.reminders / P.channels);
  if (fig.throughput.length > 0)
    console.log(
      `\n9. PostgreSQL, reminder delivery by replicas: N bot processes (npm start) on one database, ${n0(P.reminders)} due reminders over\n` +
        `   ${n0(P.channels)} channels, fake Web API answering in ${P.latencyMs} ms; each channel paced to a message a second across the\n` +
        `   processes (${perChannel} a channel: ${s1((perChannel - 1) * 1000)} at best). Timed from the replicas' start-up ending (auth.test let go\n` +
        `   for all at once) to the last post; "posted" counts distinct metadata keys at the fake. Ticks every second; owners' zone ${fig.tz}`,
    );
  const one = fig.throughput.find((t) => t.replicas === 1);
  const rows: string[][] = [
    [
      'replicas',
      'posted',
      'first post',
      'last post',
      'reminders/s',
      'vs 1',
      'by replica',
      'twice',
      'planned',
      'CPU/rem bots',
      'CPU/rem db',
      'outbox at the end',
    ],
  ];
  for (const t of fig.throughput) {
    rows.push([
      String(t.replicas),
      `${n0(t.posted)} / ${n0(t.reminders)}`,
      s1(t.firstPostMs),
      s1(t.lastPostMs),
      n0(t.perSecond),
      one ? `${(t.perSecond / one.perSecond).toFixed(2)}x` : '-',
      t.byReplica.map(n0).join(' / '),
      String(t.duplicates),
      n0(t.planned),
      ms(t.cpuMsPerReminder),
      t.dbCpuMsPerReminder === null ? 'n/a' : ms(t.dbCpuMsPerReminder),
      Object.entries(t.outbox)
        .map(([k, n]) => `${k} ${n0(n)}`)
        .join(', '),
    ]);
    targets.push({
      what: `reminder delivery by ${t.replicas} replica(s) on PostgreSQL: every reminder posted, none twice`,
      measured: `${n0(t.posted)} of ${n0(t.reminders)} in ${s1(t.lastPostMs)} (${n0(t.perSecond)}/s), ${t.duplicates} twice`,
      limit: 'all posted, 0 twice',
      pass: t.duplicates === 0 && t.posted === t.reminders,
    });
  }
  if (rows.length > 1) {
    console.log(table(rows));
    console.log(
      "  planned: the reminders the replicas' ticks say they planned, summed (more than posted: a case planned by more than one).\n" +
        "  CPU/rem: the replicas' CPU (user + system) per reminder posted; db: the PostgreSQL backends serving the database (a server\n" +
        '  on this machine; its WAL writer and checkpointer not counted). On a machine with few cores the replicas share them: more\n' +
        '  replicas cannot post faster than the cores allow',
    );
  }
  for (const t of fig.throughput) {
    console.log(`  ${t.replicas} replica(s): Web API calls ${list(t.calls)}`);
    if (Object.keys(t.problems).length) console.log(`    logged: ${list(t.problems)}`);
  }

  const f = fig.failover;
  if (!f) return;
  const lease = LEASE_MS;
  console.log(
    `\n${fig.throughput.length ? '  ' : '9.'} Failover: 2 replicas, ${n0(f.reminders)} due reminders over ${f.channels} channels; at ${n0(f.postedAtKill)} posted, the replica holding the\n` +
      '   most claims is killed (SIGKILL); its claims are read from the database. Timed from the kill: its unposted claims posted by\n' +
      '   the other replica, and none of its claims left in flight (the ones it had posted are found in the thread and recorded).\n' +
      "   A tick's reconcile takes over the dead one's claims; the other replica's tick in progress posts its own backlog first",
  );
  console.log(
    table([
      [
        'claims held',
        'posted by the dead one',
        'posted by the other after',
        'none left in flight after',
        "the other's own backlog posted after",
        'twice',
        'all posted',
      ],
      [
        n0(f.claims),
        n0(f.postedByDead),
        s1(f.takenOverMs),
        Number.isFinite(f.settledMs)
          ? s1(f.settledMs)
          : `not within ${s1(f.waitedMs)} (${f.unsettled} left)`,
        s1(f.backlogMs),
        String(f.duplicates),
        f.complete ? 'yes' : 'no',
      ],
    ]),
  );
  console.log(`  Web API calls ${list(f.calls)}`);
  if (Object.keys(f.problems).length) console.log(`    logged: ${list(f.problems)}`);
  const limit = lease + 1000;
  const took = Number.isFinite(f.settledMs) ? f.settledMs : Number.POSITIVE_INFINITY;
  targets.push({
    what: `failover: a SIGKILLed replica's ${f.claims} claims posted by the other (or found posted), none twice`,
    measured: `${Number.isFinite(took) ? s1(took) : 'not settled'}${Number.isFinite(f.takenOverMs) ? ` (last re-post after ${s1(f.takenOverMs)})` : ''}, ${f.duplicates} twice`,
    limit: `<= one lease + one tick (${s1(limit)})`,
    pass: took <= limit && f.duplicates === 0 && f.complete && f.claims > 0,
  });
}
