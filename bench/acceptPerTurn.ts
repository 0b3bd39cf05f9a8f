/**
 * `npm run build && node dist/bench/acceptPerTurn.js`: how many new connections Node accepts in
 * one turn of its event loop while the server is past capacity. A plain `node:http` server spends
 * 2.5 ms of CPU per request; a child process opens a new connection for each of 600 requests at
 * 600 a second (150% of what the server can do), so connections queue in the kernel. The server
 * counts the connections accepted in each turn (a turn counter advanced by setImmediate). On Node
 * 20 this prints a maximum of 1: a queue of connections drains one per turn, which is why Amends'
 * gate keeps turns short past capacity (src/slack/gate.ts, LagMeter).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const N = 600;

if (process.argv[2] === 'client') {
  const port = Number(process.argv[3]);
  const agent = new http.Agent({ keepAlive: false });
  const latencies: number[] = [];
  let sent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      for (let k = 0; k < 6 && sent < N; k++, sent++) {
        const started = performance.now();
        http.get({ port, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if (latencies.length === N) done();
          });
        });
      }
      if (sent >= N) clearInterval(timer);
    }, 10);
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(N - 1, Math.floor(N * q))]?.toFixed(0);
  console.log(`answers: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, slowest ${at(1)} ms`);
  process.exit(0);
}

let turn = 0;
const perTurn = new Map<number, number>();
const tick = () => {
  turn++;
  setImmediate(tick);
};
tick();
const server = http.createServer((_req, res) => {
  const t = performance.now();
  while (performance.now() - t < 2.5) {} // the request's CPU
  res.end('ok');
});
server.on('connection', () => perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1));
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const { port } = server.address() as AddressInfo;
  const client = fork(new URL(import.meta.url), ['client', String(port)]);
  client.on('exit', () => {
    const counts = [...perTurn.values()];
    console.log(
      `${N} connections accepted in ${counts.length} turns; at most ${Math.max(...counts)} in one turn (Node ${process.version})`,
    );
    process.exit(0);
  });
});
