import { readdirSync, readFileSync } from 'node:fs';

/** What other processes did to the machine while the benchmark ran (Linux; null elsewhere). */
export interface OthersLoad {
  readonly seconds: number;
  /** CPU used by processes outside this benchmark's process tree, in cores on average. */
  readonly othersCores: number;
  /** The busiest sampling interval, in cores. */
  readonly othersPeakCores: number;
  /** The same for this benchmark's own processes (load generator, fake Web API, servers). */
  readonly oursCores: number;
}

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every mainstream Linux). */
const TICKS_PER_S = 100;

interface Proc {
  readonly ppid: number;
  readonly ticks: number;
}

function readProcs(): Map<number, Proc> | null {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return null;
  }
  const procs = new Map<number, Proc>();
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

/**
 * Samples every process's CPU time every `everyMs`, and sorts it into this process's tree and the
 * rest. On a shared machine (another build, a test run) the rest shows how much the figures were
 * disturbed. A process counts from the first sample that sees it; one born and gone between two
 * samples is missed.
 */
export function watchOthers(everyMs = 1000): { stop(): OthersLoad | null } {
  let prev = readProcs();
  if (!prev) return { stop: () => null };
  const t0 = performance.now();
  let last = t0;
  let others = 0;
  let ours = 0;
  let peak = 0;
  const sample = () => {
    const cur = readProcs();
    if (!cur || !prev) return;
    const mine = new Set([process.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of cur)
        if (!mine.has(pid) && mine.has(p.ppid)) {
          mine.add(pid);
          grew = true;
        }
    }
    let interval = 0;
    for (const [pid, p] of cur) {
      const d = p.ticks - (prev.get(pid)?.ticks ?? 0);
      if (d <= 0) continue;
      if (mine.has(pid)) ours += d;
      else {
        others += d;
        interval += d;
      }
    }
    const now = performance.now();
    peak = Math.max(peak, interval / TICKS_PER_S / ((now - last) / 1000));
    last = now;
    prev = cur;
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const seconds = (performance.now() - t0) / 1000;
      return {
        seconds,
        othersCores: others / TICKS_PER_S / seconds,
        othersPeakCores: peak,
        oursCores: ours / TICKS_PER_S / seconds,
      };
    },
  };
}
