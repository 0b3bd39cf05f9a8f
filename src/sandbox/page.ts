/**
 * The sandbox page: its HTML and CSS as strings, and its script (src/sandbox/page/, TypeScript for
 * the browser) as one file esbuild bundles. No framework, no CDN. The script never puts text into
 * innerHTML: every message, mention and label becomes DOM text nodes, so whatever the bot (or a
 * user) wrote can't inject markup. Served with a CSP that allows only these same-origin files.
 */
import { createRequire } from 'node:module';

export { PAGE_CHROME } from './page/chrome.js';

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Amends sandbox</title>
<link rel="stylesheet" href="/sandbox.css">
<script src="/sandbox.js" defer></script>
</head>
<body>
<div id="app" data-testid="app">
  <header class="topbar">
    <div class="topbar-left"><span class="logo" aria-hidden="true">A</span><span id="team-name">Amends sandbox</span></div>
    <div class="clock" data-testid="clock">
      <span class="clock-label">Sandbox time</span>
      <span id="clock-now" data-testid="clock-now">…</span>
      <button type="button" class="tb-btn" data-advance="hour" data-testid="advance-hour">+1 hour</button>
      <button type="button" class="tb-btn" data-advance="day" data-testid="advance-day">+1 day</button>
      <button type="button" class="tb-btn" data-advance="week" data-testid="advance-week">+1 week</button>
      <span id="clock-busy" class="clock-busy" hidden>running reminders…</span>
    </div>
    <div class="topbar-right">
      <label class="who"><span>You are</span>
        <select id="user-switcher" data-testid="user-switcher" aria-label="Current user"></select>
      </label>
      <button type="button" class="tb-btn reset" id="reset" data-testid="reset">Reset</button>
    </div>
  </header>
  <nav class="rail" id="workspace-rail" data-testid="workspace-switcher" aria-label="Workspaces"></nav>
  <nav class="sidebar" aria-label="Channels">
    <div class="ws"><div class="ws-name" id="ws-name" data-testid="workspace-name">Amends sandbox</div><div class="ws-sub" id="ws-sub">Everything stays on this machine</div></div>
    <div class="side-title">Channels</div>
    <ul id="channel-list" data-testid="channel-list"></ul>
    <div class="side-title">Apps</div>
    <ul><li class="side-app" id="app-home-link" data-testid="app-home-link" role="button" tabindex="0" title="Amends: App Home"><span class="mini-avatar bot">A</span>Amends</li></ul>
    <div class="add-app" id="add-app" data-testid="add-app" hidden>
      <p>Amends is not installed in this workspace yet.</p>
      <a class="add-to-slack" id="add-to-slack" data-testid="add-to-slack" href="/install">Add to Slack</a>
    </div>
    <div class="side-help">
      <p>Try<br><code>/incident Acme: late delivery</code><br>or <code>/incident</code> alone for the form.</p>
      <p>Switch user to see what the owner, the creator and others see. Move the clock to watch the reminders.</p>
      <p>The second workspace on the left has no Amends yet: install it with <b>Add to Slack</b>, and see that its cases never meet the first one’s.</p>
    </div>
  </nav>
  <main class="channel" aria-label="Channel">
    <div class="channel-head"><span id="channel-title" data-testid="channel-title"># general</span>
      <button type="button" id="share-toggle" class="share-toggle" data-testid="share-toggle" aria-pressed="false" title="Slack Connect: the client's organisation can read this channel">Not shared with the client</button>
      <span class="channel-topic" id="channel-topic" data-testid="channel-topic">Amends posts recovery cases here</span></div>
    <div id="messages" class="messages" data-testid="channel-messages" aria-live="polite"></div>
    <form id="composer-form" class="composer" autocomplete="off">
      <div class="composer-box">
        <input id="composer" data-testid="composer" type="text" maxlength="3000" aria-label="Message">
        <button type="submit" class="send" data-testid="send" aria-label="Send">&#10148;</button>
      </div>
      <div class="composer-hint"><b>/incident</b> Client: what happened &nbsp;·&nbsp; <b>/incident</b> alone opens the form &nbsp;·&nbsp; <b>/incident list</b></div>
    </form>
  </main>
  <main id="home" class="home-pane" data-testid="app-home" aria-label="App Home" hidden>
    <div class="home-head">
      <div class="home-app"><span class="avatar bot" aria-hidden="true">A</span><span>Amends</span><span class="badge">APP</span></div>
      <div class="home-tabs" role="tablist"><span class="home-tab active" id="home-tab" role="tab" tabindex="0" aria-selected="true" data-testid="home-tab">Home</span><span class="home-tab" id="messages-tab" role="tab" tabindex="0" aria-selected="false" data-testid="messages-tab">Messages</span></div>
    </div>
    <div id="home-view" class="home-view" data-testid="home-view" aria-live="polite"></div>
    <div id="dm-messages" class="messages" data-testid="dm-messages" aria-live="polite" hidden></div>
  </main>
  <aside id="thread" class="thread" data-testid="thread-panel" hidden aria-label="Thread">
    <div class="thread-head"><div><b>Thread</b> <span id="thread-channel" class="muted"></span></div>
      <button type="button" class="icon-btn" id="thread-close" data-testid="thread-close" aria-label="Close thread">&#10005;</button></div>
    <div id="thread-messages" class="messages thread-messages" data-testid="thread-messages"></div>
  </aside>
</div>
<div id="overlay" class="overlay" hidden></div>
<div id="menu" class="menu" data-testid="menu" hidden></div>
<div id="toast" class="toast" data-testid="toast" hidden></div>
</body>
</html>
`;

export const PAGE_CSS = `
:root {
  --aubergine: #3f0e40; --aubergine-dark: #350d36; --aubergine-hover: #4d2a51; --side-text: #cfc3cf;
  --text: #1d1c1d; --muted: #616061; --border: #dddddd; --hover: #f8f8f8; --link: #1264a3;
  --green: #007a5a; --green-dark: #148567; --red: #e01e5a; --mention-bg: #e8f5fa; --me-bg: #fff3c4;
  font-family: Lato, "Helvetica Neue", "Segoe UI", Roboto, Arial, sans-serif; font-size: 15px; color: var(--text);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { background: #fff; }
button, input, select, textarea { font: inherit; color: inherit; }
[hidden] { display: none !important; }
#app { display: grid; height: 100vh; grid-template-columns: 64px 240px 1fr; grid-template-rows: 44px 1fr; }
#app.with-thread { grid-template-columns: 64px 240px 1fr 420px; }
.rail { background: var(--aubergine-dark); display: flex; flex-direction: column; align-items: center; gap: 14px; padding: 12px 0; border-right: 1px solid rgba(255,255,255,.08); }
.ws-btn { position: relative; width: 40px; height: 40px; border-radius: 10px; border: 0; background: #fff; color: var(--aubergine-dark); font-weight: 900; font-size: 15px; cursor: pointer; }
.ws-btn.active { box-shadow: 0 0 0 2px var(--aubergine-dark), 0 0 0 4px #fff; }
.ws-btn:not(.active) { opacity: .75; }
.ws-btn:hover { opacity: 1; }
.ws-btn.unread::after { content: ""; position: absolute; right: -4px; top: -4px; width: 10px; height: 10px; border-radius: 50%; background: var(--red); border: 2px solid var(--aubergine-dark); }
.ws-btn .ws-plus { position: absolute; right: -6px; bottom: -6px; width: 18px; height: 18px; border-radius: 50%; background: #ecb22e; color: var(--aubergine-dark); font-size: 13px; line-height: 18px; }
.add-app { margin: 6px 16px 0; font-size: 12.5px; line-height: 1.45; }
.add-app p { margin: 0 0 8px; }
.add-to-slack { display: inline-block; background: #fff; color: var(--aubergine-dark); font-weight: 900; border-radius: 6px; padding: 6px 12px; }
.add-to-slack:hover { text-decoration: none; background: #ecb22e; }
.topbar { grid-column: 1 / -1; background: var(--aubergine-dark); color: #fff; display: flex; align-items: center; gap: 16px; padding: 0 12px; font-size: 13px; }
.topbar-left { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 15px; min-width: 216px; }
.logo { display: inline-grid; place-items: center; width: 24px; height: 24px; border-radius: 6px; background: #ecb22e; color: var(--aubergine-dark); font-weight: 900; }
.clock { display: flex; align-items: center; gap: 6px; flex: 1; justify-content: center; }
.clock-label { color: var(--side-text); white-space: nowrap; }
#clock-now { font-weight: 700; margin-right: 6px; white-space: nowrap; }
.clock-busy { color: #ecb22e; }
.tb-btn { white-space: nowrap; background: rgba(255,255,255,.12); border: 1px solid rgba(255,255,255,.25); color: #fff; border-radius: 6px; padding: 3px 10px; cursor: pointer; font-size: 13px; }
.tb-btn:hover { background: rgba(255,255,255,.22); }
.tb-btn:disabled { opacity: .5; cursor: default; }
.tb-btn.reset { border-color: rgba(255,150,150,.5); }
.topbar-right { display: flex; align-items: center; gap: 10px; }
@media (max-width: 1366px) { .topbar { gap: 10px; } .topbar-left { min-width: 0; } }
.who { display: flex; align-items: center; gap: 6px; color: var(--side-text); white-space: nowrap; }
.who select { background: var(--aubergine); color: #fff; border: 1px solid rgba(255,255,255,.3); border-radius: 6px; padding: 3px 6px; font-size: 13px; }
.sidebar { background: var(--aubergine); color: var(--side-text); overflow-y: auto; padding-bottom: 16px; }
.ws { padding: 12px 16px; border-bottom: 1px solid rgba(255,255,255,.1); }
.ws-name { color: #fff; font-weight: 900; font-size: 17px; }
.ws-sub { font-size: 12px; margin-top: 2px; }
.side-title { padding: 14px 16px 4px; font-size: 13px; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar li { padding: 4px 16px 4px 26px; cursor: pointer; border-radius: 6px; margin: 0 8px; }
.sidebar li:hover { background: var(--aubergine-hover); }
.sidebar li.active { background: #1164a3; color: #fff; }
.sidebar li.unread { color: #fff; font-weight: 900; }
.side-app { display: flex; align-items: center; gap: 8px; padding-left: 20px !important; }
.home-pane { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.home-head { flex: none; border-bottom: 1px solid var(--border); padding: 12px 24px 0; }
.home-app { display: flex; align-items: center; gap: 10px; font-weight: 900; font-size: 18px; }
.home-app .avatar { width: 32px; height: 32px; font-size: 14px; }
.home-tabs { display: flex; gap: 24px; margin-top: 8px; }
.home-tab { padding: 4px 2px 8px; font-size: 14px; color: var(--muted); border-bottom: 2px solid transparent; }
.home-tab { cursor: pointer; }
.home-tab.active { color: var(--text); font-weight: 700; border-bottom-color: var(--text); }
.home-tab.unread { color: var(--text); font-weight: 900; }
.home-view { flex: 1; overflow-y: auto; padding: 10px 24px 28px; }
.home-view .blocks { max-width: 900px; }
.home-view .b-header { margin: 14px 0 4px; }
.home-view .b-header:first-child { margin-top: 4px; }
.home-view .b-actions { margin: 4px 0 10px; }
.side-help { margin: 18px 16px 0; font-size: 12.5px; line-height: 1.45; border-top: 1px solid rgba(255,255,255,.1); padding-top: 10px; }
.side-help code { background: rgba(255,255,255,.12); color: #fff; border-radius: 3px; padding: 0 3px; font-size: 11px; white-space: nowrap; }
.channel, .thread { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.thread { border-left: 1px solid var(--border); }
.channel-head, .thread-head { height: 49px; flex: none; border-bottom: 1px solid var(--border); display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 0 16px 0 20px; }
#channel-title { font-weight: 900; font-size: 18px; }
.channel-topic { color: var(--muted); font-size: 13px; flex: 1; }
.share-toggle { border: 1px solid #bbb; background: #fff; color: var(--muted); border-radius: 12px; padding: 2px 10px 2px 24px; font-size: 12px; cursor: pointer; position: relative; white-space: nowrap; }
.share-toggle::before { content: ""; position: absolute; left: 7px; top: 50%; width: 10px; height: 10px; margin-top: -5px; border-radius: 50%; border: 1px solid #999; background: #fff; }
.share-toggle[aria-pressed=true] { border-color: #e8912d; background: #fdf3e7; color: #8a4b00; font-weight: 700; }
.share-toggle[aria-pressed=true]::before { background: #e8912d; border-color: #e8912d; }
.share-toggle:disabled { opacity: .6; cursor: default; }
.shared-mark { margin-left: 6px; font-size: 11px; border: 1px solid currentColor; border-radius: 3px; padding: 0 3px; opacity: .85; }
.files { display: flex; flex-direction: column; gap: 6px; margin-top: 4px; }
.file { display: flex; align-items: center; gap: 10px; border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; max-width: min(420px, 100%); background: #fff; }
.file-icon { display: grid; place-items: center; width: 36px; height: 36px; border-radius: 6px; background: #2bac76; color: #fff; font-size: 10px; font-weight: 900; flex: none; text-transform: uppercase; }
.file-text { flex: 1; min-width: 0; }
.file-title { font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.file-meta { color: var(--muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.file-download { font-size: 13px; font-weight: 700; flex: none; }
.messages { flex: 1; overflow-y: auto; padding: 8px 0 12px; }
.empty { color: var(--muted); padding: 24px 20px; line-height: 1.5; }
.empty code, .composer-hint b { font-family: inherit; }
.day { display: flex; align-items: center; margin: 14px 0 6px; }
.day::before, .day::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.day span { border: 1px solid var(--border); border-radius: 24px; padding: 3px 14px; font-size: 13px; font-weight: 700; }
.msg { display: grid; grid-template-columns: 36px 1fr; gap: 8px; padding: 8px 20px; }
.msg:hover { background: var(--hover); }
.msg.ephemeral { background: #f4f8fb; }
.avatar, .mini-avatar { display: grid; place-items: center; border-radius: 6px; color: #fff; font-weight: 900; }
.avatar { width: 36px; height: 36px; font-size: 15px; }
.mini-avatar { width: 20px; height: 20px; font-size: 11px; border-radius: 4px; }
.bot { background: linear-gradient(135deg, #611f69, #e01e5a); }
.meta { display: flex; align-items: baseline; gap: 6px; line-height: 1.3; }
.name { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; background: #e8e8e8; color: var(--muted); border-radius: 3px; padding: 1px 3px; }
.time, .edited, .muted { color: var(--muted); font-size: 12px; }
.eph-note { color: var(--muted); font-size: 12.5px; display: flex; gap: 6px; align-items: center; margin-bottom: 2px; }
.eph-note button { background: none; border: 0; color: var(--link); cursor: pointer; padding: 0; font-size: 12.5px; }
.blocks { line-height: 1.46; overflow-wrap: anywhere; }
.b-header { font-weight: 900; font-size: 18px; margin: 4px 0; }
.b-section { margin: 3px 0; display: flex; gap: 12px; align-items: flex-start; justify-content: space-between; }
.b-section > .txt { flex: 1; white-space: normal; }
.b-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin-top: 4px; }
.b-context { color: var(--muted); font-size: 13px; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 8px; }
.b-divider { border: 0; border-top: 1px solid var(--border); margin: 10px 0; }
.b-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 8px; align-items: center; }
.b-unknown { color: var(--muted); font-style: italic; font-size: 13px; }
blockquote { margin: 4px 0; padding-left: 10px; border-left: 4px solid #ddd; color: #454245; }
code { font-family: Monaco, Menlo, Consolas, monospace; font-size: 12px; color: #c01343; background: #f6f6f6; border: 1px solid #e0e0e0; border-radius: 3px; padding: 1px 3px; }
pre { font-family: Monaco, Menlo, Consolas, monospace; font-size: 12px; background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; white-space: pre-wrap; margin: 4px 0; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
.mention { color: var(--link); background: var(--mention-bg); border-radius: 3px; padding: 0 2px; }
.mention.me { background: var(--me-bg); color: #6b4b00; }
.date { border-bottom: 1px dotted #aaa; }
.btn { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 3px 12px; min-height: 30px; font-size: 14px; font-weight: 700; cursor: pointer; }
.btn:hover { background: #f6f6f6; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.btn.primary { background: var(--green); border-color: var(--green); color: #fff; }
.btn.primary:hover { background: var(--green-dark); }
.btn.danger { background: #fff; border-color: var(--red); color: var(--red); }
.btn.danger.solid { background: var(--red); color: #fff; }
.btn:disabled { opacity: .55; cursor: default; }
.overflow-btn { border: 1px solid #bbb; background: #fff; border-radius: 4px; width: 32px; height: 30px; cursor: pointer; font-weight: 900; line-height: 1; }
.b-actions select, .b-actions input, .b-section select, .b-section input { border: 1px solid #bbb; border-radius: 4px; padding: 4px 6px; background: #fff; }
.replies { margin-top: 4px; display: flex; align-items: center; gap: 8px; }
.reply-link { background: none; border: 1px solid transparent; border-radius: 6px; padding: 3px 6px 3px 0; color: var(--link); font-weight: 700; font-size: 13px; cursor: pointer; }
.reply-link:hover { border-color: var(--border); background: #fff; padding-left: 6px; }
.thread-sep { display: flex; align-items: center; gap: 10px; color: var(--muted); font-size: 13px; padding: 4px 20px; }
.thread-sep::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.icon-btn { background: none; border: 0; font-size: 16px; cursor: pointer; color: var(--muted); border-radius: 4px; padding: 4px 8px; }
.icon-btn:hover { background: #eee; }
.composer { flex: none; padding: 0 20px 14px; }
.composer-box { display: flex; border: 1px solid #bbb; border-radius: 8px; overflow: hidden; }
.composer-box:focus-within { border-color: #888; box-shadow: 0 0 0 1px #888; }
.composer input { flex: 1; border: 0; padding: 11px 12px; outline: none; }
.send { border: 0; background: var(--green); color: #fff; width: 44px; cursor: pointer; }
.composer-hint { color: var(--muted); font-size: 12px; margin-top: 5px; }
.overlay { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: grid; place-items: center; z-index: 20; }
.modal { background: #fff; border-radius: 8px; width: min(520px, 94vw); max-height: 88vh; display: flex; flex-direction: column; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
.modal-head { display: flex; justify-content: space-between; align-items: center; padding: 18px 24px 10px; }
.modal-title { font-size: 22px; font-weight: 900; }
.modal-body { padding: 6px 24px 16px; overflow-y: auto; }
.modal-foot { display: flex; justify-content: flex-end; gap: 10px; padding: 14px 24px; border-top: 1px solid var(--border); }
.field { margin: 12px 0 16px; }
.field label.lbl { display: block; font-weight: 700; margin-bottom: 6px; }
.field .opt { color: var(--muted); font-weight: 400; }
.field input[type=text], .field textarea, .field select, .field input[type=date], .field input[type=time] { width: 100%; border: 1px solid #bbb; border-radius: 4px; padding: 8px 10px; background: #fff; }
.field textarea { min-height: 84px; resize: vertical; }
.field .hint { color: var(--muted); font-size: 13px; margin-top: 4px; }
.field .err { color: var(--red); font-size: 13px; margin-top: 4px; }
.field.has-err input, .field.has-err textarea, .field.has-err select { border-color: var(--red); }
.radio { display: flex; gap: 8px; align-items: center; margin: 4px 0; }
.dialog { background: #fff; border-radius: 8px; width: min(440px, 92vw); padding: 22px 24px 18px; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
.dialog h2 { margin: 0 0 10px; font-size: 20px; }
.dialog p { margin: 0 0 18px; line-height: 1.45; }
.dialog .row { display: flex; justify-content: flex-end; gap: 10px; }
.menu { position: fixed; z-index: 30; background: #fff; border: 1px solid var(--border); border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.16); padding: 6px 0; min-width: 220px; }
.menu button { display: block; width: 100%; text-align: left; background: none; border: 0; padding: 6px 16px; cursor: pointer; }
.menu button:hover { background: #1264a3; color: #fff; }
.toast { position: fixed; bottom: 18px; left: 50%; transform: translateX(-50%); background: #1d1c1d; color: #fff; padding: 9px 16px; border-radius: 6px; font-size: 14px; z-index: 40; max-width: 80vw; }
`;

/**
 * The page's script, set by scripts/bundle.mjs in the bundle `npm start` runs (esbuild's `define`),
 * so the shipped app needs neither esbuild nor the sources at run time.
 */
declare const __SANDBOX_PAGE_JS__: string | undefined;

/**
 * Bundles src/sandbox/page/main.ts when running from the sources (tests, `npm run dev`), the way
 * scripts/bundle.mjs does for the shipped page (pageScript.cjs). esbuild is a dev dependency,
 * loaded only here.
 */
function buildPageScript(): string {
  const require = createRequire(import.meta.url);
  const { bundlePageScript } = require('./pageScript.cjs') as {
    bundlePageScript: (esbuild: typeof import('esbuild'), logLevel: 'silent') => string;
  };
  return bundlePageScript(require('esbuild') as typeof import('esbuild'), 'silent');
}

/** The page's script (/sandbox.js). */
export const PAGE_JS: string =
  typeof __SANDBOX_PAGE_JS__ === 'string' ? __SANDBOX_PAGE_JS__ : buildPageScript();
