/**
 * Slack's consent page (`/oauth/v2/authorize`), small: "Install <app> in <workspace>?", the scopes
 * asked for, a workspace picker (the first without the app, or `team`), Allow and Cancel. Both go
 * back to the app's Redirect URL with the state: Allow with a code ("<team>:<admin>", what
 * oauth.v2.access takes), Cancel with error=access_denied, as Slack does.
 */
import type { ServerResponse } from 'node:http';
import type { FakeApp } from '../types.js';
import type { FakeWorld } from '../world.js';

const escapeHtml = (v: string) =>
  v.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{font-family:Lato,"Helvetica Neue",Arial,sans-serif;background:#f4ede4;color:#1d1c1d;margin:0;padding:48px 16px}
main{max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:28px 32px;box-shadow:0 1px 6px rgba(0,0,0,.12)}
h1{font-size:24px;margin:0 0 12px}ul{padding-left:20px;line-height:1.6}select{font:inherit;padding:4px 6px}
.row{display:flex;gap:10px;justify-content:flex-end;margin-top:22px}
button{font:inherit;font-weight:700;border-radius:4px;padding:8px 18px;cursor:pointer;border:1px solid #bbb;background:#fff}
button.allow{background:#007a5a;border-color:#007a5a;color:#fff}.muted{color:#616061;font-size:13px}</style>
</head><body><main>${body}</main></body></html>`);
}

/** The registered app, if `clientId` is its; otherwise answers Slack's "Invalid client_id" page. */
function appFor(w: FakeWorld, clientId: string | null, res: ServerResponse): FakeApp | undefined {
  if (w.app && clientId === w.app.clientId) return w.app;
  page(
    res,
    400,
    'Invalid client_id',
    '<h1>Invalid client_id</h1><p>No app has this client id.</p>',
  );
  return undefined;
}

/** GET: the page itself. */
export function authorize(w: FakeWorld, url: URL, res: ServerResponse) {
  const q = url.searchParams;
  const app = appFor(w, q.get('client_id'), res);
  if (!app) return;
  const redirect = q.get('redirect_uri');
  if (redirect && redirect !== app.redirectUrl)
    return page(
      res,
      400,
      'Bad redirect_uri',
      '<h1>redirect_uri did not match</h1><p>It must be the app’s Redirect URL.</p>',
    );
  const asked = q.get('team');
  const chosen =
    w.workspaces.find((x) => x.id === asked) ??
    w.workspaces.find((x) => !w.installed.has(x.id)) ??
    w.workspaces[0];
  const name = escapeHtml(app.name);
  const options = w.workspaces
    .map(
      (x) =>
        `<option value="${escapeHtml(x.id)}"${x === chosen ? ' selected' : ''}>${escapeHtml(x.name)}${w.installed.has(x.id) ? ' (installed)' : ''}</option>`,
    )
    .join('');
  const scopes = (q.get('scope') ?? '')
    .split(',')
    .filter(Boolean)
    .map((x) => `<li><code>${escapeHtml(x)}</code></li>`)
    .join('');
  const hidden = ['client_id', 'state', 'scope']
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`)
    .join('');
  page(
    res,
    200,
    `Install ${app.name} in ${chosen?.name ?? ''}?`,
    `<form method="post" action="/oauth/v2/authorize">${hidden}
<h1 data-testid="consent-title">Install ${name} in ${escapeHtml(chosen?.name ?? '')}?</h1>
<p><label>Workspace <select name="team" data-testid="consent-team">${options}</select></label></p>
<p>${name} is asking to:</p><ul>${scopes}</ul>
<p class="muted">This is the sandbox’s stand-in for Slack: nothing leaves this machine.</p>
<div class="row"><button type="submit" name="decision" value="cancel" data-testid="consent-cancel">Cancel</button>
<button type="submit" name="decision" value="allow" class="allow" data-testid="consent-allow">Allow</button></div></form>`,
  );
}

/** POST: Allow or Cancel, back to the app's Redirect URL. */
export function decide(w: FakeWorld, raw: string, res: ServerResponse) {
  const f = new URLSearchParams(raw);
  const app = appFor(w, f.get('client_id'), res);
  if (!app) return;
  const back = new URL(app.redirectUrl);
  const state = f.get('state');
  if (state !== null) back.searchParams.set('state', state);
  const team = w.workspaces.find((x) => x.id === f.get('team'));
  if (f.get('decision') !== 'allow') back.searchParams.set('error', 'access_denied');
  else if (!team) return page(res, 400, 'Unknown workspace', '<h1>No such workspace</h1>');
  else {
    // The installer: the workspace's admin (its first person when none is marked).
    const admin = (team.users ?? []).find((u) => u.admin) ?? team.users?.[0];
    if (!admin)
      return page(res, 400, 'No one to install', '<h1>This workspace has no members</h1>');
    back.searchParams.set('code', `${team.id}:${admin.id}`);
  }
  res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
  res.end();
}
