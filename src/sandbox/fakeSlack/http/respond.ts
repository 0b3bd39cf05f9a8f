/** Writing the fake's HTTP answers: Slack's JSON, or a short text. */
import type { ServerResponse } from 'node:http';

export function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function plain(
  res: ServerResponse,
  status: number,
  text: string,
  type = 'text/plain',
): void {
  res.writeHead(status, { 'content-type': type }).end(text);
}
