/** Amends installed in a sandbox workspace through the real OAuth flow, over HTTP. */

/** Walks one HTTP step of the install flow without following its redirect. */
async function step(url: string, init: RequestInit = {}) {
  const r = await fetch(url, { ...init, redirect: 'manual' });
  await r.arrayBuffer();
  return {
    status: r.status,
    location: r.headers.get('location'),
    cookies: r.headers.getSetCookie(),
  };
}

/**
 * Installs Amends in a workspace the way an admin does, over HTTP: the bot's /slack/install (a
 * redirect to Slack's consent page, with the state in a cookie), Allow on the fake Slack's consent
 * page, and the bot's /slack/oauth_redirect with the code. The sandbox's first workspace is
 * installed so at start-up; the page's Add to Slack walks the same steps in the browser.
 */
export async function installThroughSlack(botBase: string, team: string): Promise<void> {
  const start = await step(`${botBase}/slack/install`);
  if (start.status !== 302 || !start.location)
    throw new Error(`/slack/install answered HTTP ${start.status}`);
  const consent = new URL(start.location);
  const form = new URLSearchParams({
    client_id: consent.searchParams.get('client_id') ?? '',
    state: consent.searchParams.get('state') ?? '',
    scope: consent.searchParams.get('scope') ?? '',
    team,
    decision: 'allow',
  });
  const allowed = await step(`${consent.origin}${consent.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (allowed.status !== 302 || !allowed.location)
    throw new Error(`the consent page answered HTTP ${allowed.status}`);
  const cookie = start.cookies.map((c) => c.split(';')[0]).join('; ');
  const done = await step(allowed.location, { headers: { cookie } });
  if (done.status !== 303 || !done.location?.includes(`workspace=${team}`))
    throw new Error(`the install did not finish (HTTP ${done.status} ${done.location ?? ''})`);
}
