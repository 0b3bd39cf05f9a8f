/**
 * The sandbox page: plain HTML, CSS and browser JavaScript kept as strings so `tsc` ships them in
 * dist/ with no copy step. No framework, no CDN. The script never puts text into innerHTML: every
 * message, mention and label becomes DOM text nodes, so whatever the bot (or a user) wrote can't
 * inject markup. Served with a CSP that allows only these same-origin files.
 *
 * The script below avoids backticks and template placeholders, so it can live in a template literal.
 */

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
 * The page's own chrome (what Slack's client draws around the bot's messages), in the viewer's
 * language: the sandbox's users speak English, Italian, Greek and Catalan. `{n}` is a count.
 */
export const PAGE_CHROME = {
  en: {
    select: 'Select…',
    optional: '(optional)',
    reply: '1 reply',
    replies: '{n} replies',
    lastReply: 'Last reply',
    cancel: 'Cancel',
  },
  it: {
    select: 'Seleziona…',
    optional: '(facoltativo)',
    reply: '1 risposta',
    replies: '{n} risposte',
    lastReply: 'Ultima risposta',
    cancel: 'Annulla',
  },
  el: {
    select: 'Επίλεξε…',
    optional: '(προαιρετικό)',
    reply: '1 απάντηση',
    replies: '{n} απαντήσεις',
    lastReply: 'Τελευταία απάντηση',
    cancel: 'Ακύρωση',
  },
  ca: {
    select: 'Selecciona…',
    optional: '(opcional)',
    reply: '1 resposta',
    replies: '{n} respostes',
    lastReply: 'Darrera resposta',
    cancel: 'Cancel·la',
  },
} as const;

export const PAGE_JS = String.raw`(function () {
  'use strict';
  var CHROME = ${JSON.stringify(PAGE_CHROME)};
  /** The page's chrome in the viewer's language (their Slack locale), English otherwise. */
  function chrome(key, n) {
    var lang = String(me().locale || 'en').slice(0, 2).toLowerCase();
    var words = CHROME[lang] || CHROME.en;
    return String(words[key]).replace('{n}', String(n));
  }
  function replyCount(n) { return n === 1 ? chrome('reply') : chrome('replies', n); }
  var BT = String.fromCharCode(96);
  var S = {
    users: [], channels: [], bot: { id: '', name: 'Amends' }, team: null,
    workspaces: [], ws: null, meOf: {}, channelOf: {},
    me: null, channel: null, messages: [], ephemerals: [], local: [], hidden: {},
    thread: null, modal: null, offset: 0, unread: {}, seq: 0, busy: false,
    home: false, tab: 'home', homes: {}, homeDrawn: null
  };
  var EMOJI = {
    calendar: '\u{1F4C5}', fast_forward: '\u23E9', gift: '\u{1F381}', hourglass: '\u231B',
    hourglass_flowing_sand: '\u23F3', lock: '\u{1F512}', memo: '\u{1F4DD}', radio_button: '\u{1F518}',
    red_circle: '\u{1F534}', repeat: '\u{1F501}', rotating_light: '\u{1F6A8}', tada: '\u{1F389}',
    warning: '\u26A0\uFE0F', white_check_mark: '\u2705', zzz: '\u{1F4A4}', wave: '\u{1F44B}',
    x: '\u274C', bell: '\u{1F514}', point_right: '\u{1F449}', heavy_check_mark: '\u2714\uFE0F',
    thumbsup: '\u{1F44D}', '+1': '\u{1F44D}', eyes: '\u{1F440}', handshake: '\u{1F91D}',
    email: '\u{1F4E7}', phone: '\u{1F4DE}', bulb: '\u{1F4A1}', clock1: '\u{1F550}', heart: '\u2764\uFE0F',
    pause_button: '\u23F8\uFE0F', speech_balloon: '\u{1F4AC}', outbox_tray: '\u{1F4E4}', envelope: '\u2709\uFE0F',
    hammer_and_wrench: '\u{1F6E0}\uFE0F', busts_in_silhouette: '\u{1F465}', clock3: '\u{1F552}',
    leftwards_arrow_with_hook: '\u21A9\uFE0F', triangular_flag_on_post: '\u{1F6A9}',
    white_circle: '\u26AA', sunrise: '\u{1F305}'
  };
  var COLORS = ['#2a80b9', '#e8912d', '#2bac76', '#9b59b6', '#d35400'];

  // ---------- small DOM helpers (text only, never innerHTML) ----------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  function $(id) { return document.getElementById(id); }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  // ---------- people and time ----------
  function me() { return S.users.find(function (u) { return u.id === S.me; }) || S.users[0] || { id: '', name: '?', tz: 'UTC', locale: 'en-US' }; }
  function userById(id) { return S.users.find(function (u) { return u.id === id; }); }
  function nameOf(id) {
    if (id === S.bot.id) return S.bot.name;
    var u = userById(id);
    return u ? u.name : id;
  }
  function channelById(id) { return S.channels.find(function (c) { return c.id === id; }); }
  /** The workspace shown, and any channel of any workspace (the stream names them all). */
  function currentWs() { return S.workspaces.find(function (w) { return w.team.id === S.ws; }) || S.workspaces[0]; }
  function anyChannel(id) {
    for (var i = 0; i < S.workspaces.length; i++) {
      var c = S.workspaces[i].channels.find(function (x) { return x.id === id; });
      if (c) return c;
    }
    return channelById(id);
  }
  function installedHere() { var w = currentWs(); return !w || w.installed; }
  /** A user's DM with the app: where Slack puts what the bot posts to their user id. */
  function dmOf(id) { return 'D' + String(id || '').slice(1); }
  function color(id) { var n = 0; for (var i = 0; i < id.length; i++) n = (n * 31 + id.charCodeAt(i)) >>> 0; return COLORS[n % COLORS.length]; }
  function initials(name) { return name.split(/\s+/).map(function (p) { return p.charAt(0); }).join('').slice(0, 2).toUpperCase(); }
  function nowMs() { return Date.now() + S.offset; }
  function fmt(date, opts) {
    var u = me();
    var o = { timeZone: u.tz };
    Object.keys(opts).forEach(function (k) { o[k] = opts[k]; });
    return new Intl.DateTimeFormat(u.locale, o).format(date);
  }
  function dayKey(date) {
    return new Intl.DateTimeFormat('en-CA', { timeZone: me().tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
  }
  function dayNumber(date) { var p = dayKey(date).split('-').map(Number); return Date.UTC(p[0], p[1] - 1, p[2]) / 86400000; }
  function relativeDay(date) {
    var d = dayNumber(date) - dayNumber(new Date(nowMs()));
    if (Math.abs(d) > 1) return null;
    return new Intl.RelativeTimeFormat(me().locale, { numeric: 'auto' }).format(d, 'day');
  }
  function ago(date) {
    var s = Math.round((date.getTime() - nowMs()) / 1000);
    var units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(s) >= units[i][1] || units[i][0] === 'second') return new Intl.RelativeTimeFormat(me().locale, { numeric: 'auto' }).format(Math.round(s / units[i][1]), units[i][0]);
    }
    return '';
  }
  function timeOf(date) { return fmt(date, { hour: 'numeric', minute: '2-digit' }); }
  function tsDate(ts) { return new Date(Math.floor(parseFloat(ts) * 1000)); }
  function cityOf(tz) { return tz.split('/').pop().replace(/_/g, ' '); }
  function cityOfUser(u) { return u.city || cityOf(u.tz); }
  function offsetOf(tz) {
    var p = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'shortOffset' }).formatToParts(new Date(nowMs()));
    var z = p.find(function (x) { return x.type === 'timeZoneName'; });
    return z ? z.value.replace('GMT', 'UTC') : '';
  }

  /** <!date^unix^format^link|fallback>, in the current user's zone and language. */
  function dateToken(spec, fallback) {
    var parts = spec.split('^');
    var unix = Number(parts[1]);
    if (!isFinite(unix) || !parts[2]) return document.createTextNode(fallback || spec);
    var date = new Date(unix * 1000);
    var longDate = fmt(date, { year: 'numeric', month: 'long', day: 'numeric' });
    var shortDate = fmt(date, { year: 'numeric', month: 'short', day: 'numeric' });
    var fullDate = fmt(date, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
    var rel = relativeDay(date);
    var map = {
      date_num: dayKey(date), date: longDate, date_short: shortDate, date_long: fullDate,
      date_pretty: rel || longDate, date_short_pretty: rel || shortDate, date_long_pretty: rel || fullDate,
      time: timeOf(date), time_secs: fmt(date, { hour: 'numeric', minute: '2-digit', second: '2-digit' }), ago: ago(date)
    };
    var text = parts[2].replace(/\{(\w+)\}/g, function (m, k) { return Object.prototype.hasOwnProperty.call(map, k) ? map[k] : m; });
    return h('span', { class: 'date', title: fmt(date, { dateStyle: 'full', timeStyle: 'long' }) }, text);
  }

  // ---------- mrkdwn ----------
  function decode(s) { return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'); }
  function emojify(s) { return s.replace(/:([a-z0-9_+-]+):/g, function (m, k) { return EMOJI[k] || m; }); }
  function textNode(s) { return document.createTextNode(emojify(decode(s))); }

  function special(inner) {
    var bar = inner.indexOf('|');
    var head = bar < 0 ? inner : inner.slice(0, bar);
    var label = bar < 0 ? '' : inner.slice(bar + 1);
    if (head.charAt(0) === '@') {
      var id = head.slice(1);
      return h('span', { class: 'mention' + (id === S.me ? ' me' : ''), 'data-user': id }, '@' + (userById(id) || id === S.bot.id ? nameOf(id) : decode(label) || id));
    }
    if (head.charAt(0) === '#') {
      var ch = channelById(head.slice(1));
      return h('span', { class: 'mention' }, '#' + (ch ? ch.name : decode(label) || head.slice(1)));
    }
    if (head.indexOf('!subteam^') === 0) return h('span', { class: 'mention' }, label ? decode(label).replace(/^@?/, '@') : '@group');
    if (head.indexOf('!date^') === 0) return dateToken(head, decode(label));
    if (head === '!here' || head === '!channel' || head === '!everyone') return h('span', { class: 'mention me' }, '@' + head.slice(1));
    if (/^(https?:\/\/|mailto:)/i.test(head)) {
      var url = decode(head);
      var thread = /\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/.exec(url);
      if (thread) {
        var ts = thread[2] + '.' + thread[3];
        return h('a', { href: '#', onclick: function (e) { e.preventDefault(); openThread(thread[1], ts); } }, decode(label) || url);
      }
      return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, decode(label) || url);
    }
    return textNode('<' + inner + '>');
  }

  var INLINE = new RegExp(
    '<([^<>\\n]+)>' +
    '|' + BT + '([^' + BT + '\\n]+)' + BT +
    '|(^|[\\s(\\[{"\'\u2018\u201C])([*_~])(?![\\s\\u200b])([^\\n]*?[^\\s\\u200b])\\4(?=$|[\\s.,;:!?)\\]}"\'\u2019\u201D])',
    'g');
  function inline(text, parent) {
    var re = new RegExp(INLINE.source, 'g');
    var last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.append(textNode(text.slice(last, m.index)));
      if (m[1] !== undefined) parent.append(special(m[1]));
      else if (m[2] !== undefined) parent.append(h('code', null, decode(m[2])));
      else {
        if (m[3]) parent.append(document.createTextNode(m[3]));
        var el = document.createElement(m[4] === '*' ? 'b' : m[4] === '_' ? 'i' : 's');
        inline(m[5], el);
        parent.append(el);
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.append(textNode(text.slice(last)));
  }
  function mrkdwn(text) {
    var frag = document.createDocumentFragment();
    var fence = BT + BT + BT;
    var chunks = String(text || '').split(fence);
    chunks.forEach(function (chunk, i) {
      if (i % 2 === 1 && i < chunks.length - 1) { frag.append(h('pre', null, decode(chunk.replace(/^\n/, '')))); return; }
      if (i % 2 === 1) chunk = fence + chunk;
      var quote = null, first = true;
      chunk.split('\n').forEach(function (line) {
        var q = /^(&gt;|>)\s?/.exec(line);
        if (q) {
          if (!quote) { quote = h('blockquote'); frag.append(quote); } else quote.append(h('br'));
          inline(line.slice(q[0].length), quote);
        } else {
          if (!first && !quote) frag.append(h('br'));
          quote = null;
          inline(line, frag);
        }
        first = false;
      });
    });
    return frag;
  }
  function textObj(t) {
    if (!t) return document.createTextNode('');
    if (t.type === 'mrkdwn') return mrkdwn(t.text);
    return document.createTextNode(t.emoji === false ? t.text : emojify(String(t.text || '')));
  }
  function plainOf(t) { return t ? emojify(String(t.text || '')) : ''; }

  // ---------- network ----------
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok || j.ok === false) throw new Error(j.error || ('HTTP ' + r.status));
          return j;
        });
      });
  }
  var toastTimer = null;
  function toast(text) {
    var t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 3500);
  }
  function fail(e) { toast('Something went wrong: ' + (e && e.message ? e.message : e)); }

  // ---------- overlays: confirm dialog, overflow menu ----------
  function confirmDialog(c) {
    return new Promise(function (resolve) {
      var ov = $('overlay');
      var done = function (v) { ov.hidden = true; clear(ov); document.removeEventListener('keydown', onKey); resolve(v); };
      var onKey = function (e) { if (e.key === 'Escape') done(false); };
      document.addEventListener('keydown', onKey);
      clear(ov);
      ov.append(h('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'confirm-dialog' },
        h('h2', null, plainOf(c.title) || 'Are you sure?'),
        h('p', null, textObj(c.text)),
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-deny', onclick: function () { done(false); } }, plainOf(c.deny) || chrome('cancel')),
          h('button', { type: 'button', class: 'btn ' + (c.style === 'danger' ? 'danger solid' : 'primary'), 'data-testid': 'confirm-ok', onclick: function () { done(true); } }, plainOf(c.confirm) || 'Yes'))));
      ov.hidden = false;
      ov.querySelector('[data-testid=confirm-ok]').focus();
    });
  }
  function closeMenu() { var m = $('menu'); m.hidden = true; clear(m); }
  function openMenu(anchor, options, pick) {
    var m = $('menu');
    clear(m);
    options.forEach(function (o) {
      m.append(h('button', { type: 'button', 'data-testid': 'menu-option', onclick: function () { closeMenu(); pick(o); } }, plainOf(o.text)));
    });
    var r = anchor.getBoundingClientRect();
    m.hidden = false;
    var left = Math.min(r.left, window.innerWidth - m.offsetWidth - 8);
    var top = r.bottom + 4 + m.offsetHeight > window.innerHeight ? r.top - m.offsetHeight - 4 : r.bottom + 4;
    m.style.left = Math.max(8, left) + 'px';
    m.style.top = Math.max(8, top) + 'px';
  }
  document.addEventListener('click', function (e) {
    var m = $('menu');
    if (!m.hidden && !m.contains(e.target) && !(e.target.closest && e.target.closest('.overflow-btn'))) closeMenu();
  });

  // ---------- interactive elements in messages ----------
  function sendAction(ctx, blockId, el, extra, button) {
    if (!ctx.msg && !ctx.home && !ctx.eph) { toast('This message is only a preview; its buttons do nothing.'); return; }
    // From App Home the click names the view (Slack's container type 'view'), from an ephemeral
    // its id, else the message (in a channel or in the DM with the app).
    var body = ctx.home
      ? { user: S.me, viewId: ctx.home.id, action_id: el.action_id, block_id: blockId || 'b' }
      : ctx.eph
        ? { user: S.me, ephemeral: ctx.eph.id, action_id: el.action_id, block_id: blockId || 'b' }
        : { user: S.me, channel: ctx.msg.channel, messageTs: ctx.msg.ts, action_id: el.action_id, block_id: blockId || 'b' };
    Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
    if (button) button.disabled = true;
    post('/api/action', body).catch(fail).then(function () { if (button) button.disabled = false; });
  }
  function element(el, ctx, blockId) {
    var t = el.type;
    if (t === 'button') {
      var b = h('button', { type: 'button', class: 'btn' + (el.style ? ' ' + el.style : ''), 'data-action-id': el.action_id }, plainOf(el.text));
      if (el.url) b.addEventListener('click', function () { window.open(el.url, '_blank', 'noopener'); });
      b.addEventListener('click', function () {
        var go = function () { sendAction(ctx, blockId, el, { type: 'button', value: el.value || '' }, b); };
        if (el.confirm) confirmDialog(el.confirm).then(function (ok) { if (ok) go(); });
        else go();
      });
      return b;
    }
    if (t === 'overflow') {
      var o = h('button', { type: 'button', class: 'overflow-btn', 'data-action-id': el.action_id, 'data-testid': 'overflow', 'aria-label': 'More actions' }, '\u22EE');
      o.addEventListener('click', function (e) {
        e.stopPropagation();
        openMenu(o, el.options || [], function (opt) { sendAction(ctx, blockId, el, { type: 'overflow', selected_value: opt.value, selected_text: plainOf(opt.text) }); });
      });
      return o;
    }
    if (t === 'datepicker' || t === 'timepicker') {
      var d = h('input', { type: t === 'datepicker' ? 'date' : 'time', 'data-action-id': el.action_id, value: el.initial_date || el.initial_time || '' });
      d.addEventListener('change', function () { sendAction(ctx, blockId, el, { type: t, selected_value: d.value }); });
      return d;
    }
    if (t === 'users_select' || t === 'static_select') {
      var s = selectFor(el);
      s.addEventListener('change', function () {
        var picked = s.selectedOptions[0];
        if (s.value) sendAction(ctx, blockId, el, { type: t, selected_value: s.value, selected_text: picked ? picked.textContent : s.value });
      });
      return s;
    }
    return h('span', { class: 'b-unknown' }, '[' + t + ']');
  }
  function selectFor(el) {
    var s = h('select', { 'data-action-id': el.action_id });
    s.append(h('option', { value: '' }, plainOf(el.placeholder) || chrome('select')));
    if (el.type === 'users_select') {
      S.users.forEach(function (u) { s.append(h('option', { value: u.id }, u.name)); });
      if (el.initial_user) s.value = el.initial_user;
    } else if (el.type === 'conversations_select') {
      // The sandbox's channels; a filter leaving out channels shared with another company does so.
      var f = el.filter || {};
      S.channels.forEach(function (c) {
        if (!(f.exclude_external_shared_channels && c.shared === 'ext')) s.append(h('option', { value: c.id }, '# ' + c.name));
      });
      if (el.initial_conversation) s.value = el.initial_conversation;
    } else {
      var opts = (el.options || []).slice();
      (el.option_groups || []).forEach(function (g) { opts = opts.concat(g.options || []); });
      opts.forEach(function (o) { s.append(h('option', { value: o.value }, plainOf(o.text))); });
      if (el.initial_option) s.value = el.initial_option.value;
    }
    return s;
  }

  // ---------- blocks ----------
  function renderBlocks(blocks, ctx) {
    var out = h('div', { class: 'blocks' });
    (blocks || []).forEach(function (b) {
      var id = b.block_id ? { 'data-block-id': b.block_id } : {};
      if (b.type === 'header') out.append(h('div', Object.assign({ class: 'b-header' }, id), plainOf(b.text)));
      else if (b.type === 'section') {
        var sec = h('div', Object.assign({ class: 'b-section' }, id));
        var txt = h('div', { class: 'txt' });
        if (b.text) txt.append(textObj(b.text));
        if (b.fields) txt.append(h('div', { class: 'b-fields' }, b.fields.map(function (f) { return h('div', null, textObj(f)); })));
        sec.append(txt);
        if (b.accessory) sec.append(element(b.accessory, ctx, b.block_id));
        out.append(sec);
      } else if (b.type === 'context') {
        out.append(h('div', Object.assign({ class: 'b-context' }, id), (b.elements || []).map(function (e) {
          return e.type === 'image' ? h('span', null, '[' + (e.alt_text || 'image') + ']') : h('span', null, textObj(e));
        })));
      } else if (b.type === 'divider') out.append(h('hr', { class: 'b-divider' }));
      else if (b.type === 'actions') {
        out.append(h('div', Object.assign({ class: 'b-actions' }, id), (b.elements || []).map(function (e) { return element(e, ctx, b.block_id); })));
      } else if (b.type === 'input' && ctx.form) out.append(ctx.form.field(b));
      else if (b.type === 'image') out.append(h('div', { class: 'b-unknown' }, '[image: ' + (b.alt_text || '') + ']'));
      else out.append(h('div', { class: 'b-unknown' }, '[' + b.type + ' block]'));
    });
    return out;
  }

  // ---------- messages ----------
  function isTop(m) { return !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast; }
  function byTs(a, b) { return parseFloat(a.ts) - parseFloat(b.ts); }
  function avatarFor(id) {
    if (id === S.bot.id) return h('div', { class: 'avatar bot' }, 'A');
    var a = h('div', { class: 'avatar' }, initials(nameOf(id)));
    a.style.background = color(id);
    return a;
  }
  function messageEl(m, inThread) {
    var bot = m.user === S.bot.id;
    var body = h('div', { class: 'body' },
      h('div', { class: 'meta' },
        h('span', { class: 'name' }, nameOf(m.user)),
        bot ? h('span', { class: 'badge' }, 'APP') : null,
        h('span', { class: 'time', title: fmt(tsDate(m.ts), { dateStyle: 'full', timeStyle: 'short' }) }, timeOf(tsDate(m.ts))),
        m.edited ? h('span', { class: 'edited' }, '(edited)') : null),
      m.blocks && m.blocks.length ? renderBlocks(m.blocks, { msg: m }) : h('div', { class: 'blocks' }, mrkdwn(m.text)),
      m.files && m.files.length ? h('div', { class: 'files' }, m.files.map(fileEl)) : null);
    if (!inThread && m.reply_count) {
      body.append(h('div', { class: 'replies' },
        h('button', { type: 'button', class: 'reply-link', 'data-testid': 'reply-count', onclick: function () { openThread(m.channel, m.ts); } },
          replyCount(m.reply_count)),
        m.latest_reply ? h('span', { class: 'muted' }, chrome('lastReply') + ' ' + (relativeDay(tsDate(m.latest_reply)) || fmt(tsDate(m.latest_reply), { month: 'short', day: 'numeric' })) + ' ' + timeOf(tsDate(m.latest_reply))) : null));
    }
    return h('div', { class: 'msg', 'data-testid': 'message', 'data-ts': m.ts }, avatarFor(m.user), body);
  }
  function sizeOf(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + ' KB';
    return (n / 1048576).toFixed(1) + ' MB';
  }
  /** A shared file: its title, name and size, and a download served by the sandbox. */
  function fileEl(f) {
    var href = '/files/' + encodeURIComponent(f.id) + '/' + encodeURIComponent(f.name || 'file');
    return h('div', { class: 'file', 'data-testid': 'file', 'data-file-id': f.id },
      h('div', { class: 'file-icon', 'aria-hidden': 'true' }, String(f.filetype || 'file').slice(0, 4)),
      h('div', { class: 'file-text' },
        h('div', { class: 'file-title', 'data-testid': 'file-title' }, f.title || f.name),
        h('div', { class: 'file-meta', 'data-testid': 'file-name' }, f.name + ' \u00B7 ' + (f.pretty_type || '') + ' \u00B7 ' + sizeOf(f.size || 0))),
      h('a', { class: 'file-download', 'data-testid': 'file-download', href: href, download: f.name || 'file' }, 'Download'));
  }
  function ephemeralEl(e) {
    var key = e.channel + ':' + e.ts;
    var body = h('div', { class: 'body' },
      h('div', { class: 'eph-note' }, '\u{1F441}\uFE0F Only visible to you',
        h('button', { type: 'button', onclick: function () { S.hidden[key] = true; render(); } }, 'Dismiss')),
      h('div', { class: 'meta' }, h('span', { class: 'name' }, e.local ? 'Slackbot' : S.bot.name), e.local ? null : h('span', { class: 'badge' }, 'APP'),
        h('span', { class: 'time' }, timeOf(tsDate(e.ts)))),
      e.blocks && e.blocks.length ? renderBlocks(e.blocks, e.id && !e.local ? { msg: null, eph: e } : { msg: null }) : h('div', { class: 'blocks' }, mrkdwn(e.text)));
    var av = e.local ? h('div', { class: 'avatar' }, 'S') : avatarFor(S.bot.id);
    if (e.local) av.style.background = '#4a8a8c';
    return h('div', { class: 'msg ephemeral', 'data-testid': 'ephemeral', 'data-ts': e.ts }, av, body);
  }
  function myEphemerals(channel, threadTs) {
    return S.ephemerals.concat(S.local).filter(function (e) {
      return e.user === S.me && e.channel === channel && (e.thread_ts || null) === (threadTs || null) && !S.hidden[e.channel + ':' + e.ts];
    });
  }
  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 120; }

  /** A conversation's top-level messages and the current user's ephemerals in it, oldest first. */
  function itemsIn(channel) {
    var items = S.messages.filter(function (m) { return m.channel === channel && isTop(m); })
      .map(function (m) { return { ts: m.ts, el: function () { return messageEl(m, false); } }; })
      .concat(myEphemerals(channel, null).map(function (e) { return { ts: e.ts, el: function () { return ephemeralEl(e); } }; }));
    items.sort(byTs);
    return items;
  }
  function renderChannel(forceBottom) {
    var list = $('messages');
    var ch = channelById(S.channel);
    $('channel-title').textContent = '# ' + (ch ? ch.name : '');
    $('composer').placeholder = 'Message #' + (ch ? ch.name : '') + '   (try /incident Acme: late delivery)';
    drawItems(list, itemsIn(S.channel), forceBottom, function () {
      if (!installedHere()) {
        return h('div', { class: 'empty', 'data-testid': 'empty' },
          h('b', null, 'This is the very beginning of #' + (ch ? ch.name : '') + ' in ' + currentWs().team.name + '.'), h('br'),
          'Amends is not installed in this workspace yet: ', h('a', { href: '/install', 'data-testid': 'add-to-slack-empty' }, 'Add to Slack'),
          ' walks you through the install. The cases of the other workspace will never show here.');
      }
      return h('div', { class: 'empty', 'data-testid': 'empty' },
        h('b', null, 'This is the very beginning of #' + (ch ? ch.name : '') + '.'), h('br'),
        'Open a recovery case: type ', h('code', null, '/incident Acme: late delivery'), ' below, or ', h('code', null, '/incident'), ' for the full form.');
    });
  }
  /** The user's DM with the app (its Messages tab): what the bot wrote to them, buttons and all. */
  function renderDm(forceBottom) {
    var dm = dmOf(S.me);
    S.unread[dm] = false;
    drawItems($('dm-messages'), itemsIn(dm), forceBottom, function () {
      return h('div', { class: 'empty', 'data-testid': 'empty' },
        h('b', null, 'This is your direct message with Amends.'), h('br'),
        'Amends writes to you here when it needs you: when a channel with your case in it is shared with the client, for one.');
    });
  }
  /** Messages under day separators, kept scrolled to the bottom if they were (or asked to). */
  function drawItems(list, items, forceBottom, empty) {
    var stick = forceBottom || nearBottom(list);
    var keep = list.scrollTop;
    clear(list);
    if (!items.length) list.append(empty());
    var lastDay = null;
    items.forEach(function (it) {
      var d = tsDate(it.ts), key = dayKey(d);
      if (key !== lastDay) {
        lastDay = key;
        var rel = relativeDay(d);
        list.append(h('div', { class: 'day' }, h('span', null, rel ? rel.charAt(0).toUpperCase() + rel.slice(1) : fmt(d, { weekday: 'long', month: 'long', day: 'numeric' }))));
      }
      list.append(it.el());
    });
    list.scrollTop = stick ? list.scrollHeight : keep;
  }

  function openThread(channel, ts) {
    if (channel !== S.channel) { S.channel = channel; }
    S.home = false;
    S.thread = { channel: channel, ts: ts };
    render();
    var tl = $('thread-messages');
    tl.scrollTop = tl.scrollHeight;
  }
  function renderThread() {
    var panel = $('thread');
    var parent = S.thread && S.messages.find(function (m) { return m.channel === S.thread.channel && m.ts === S.thread.ts; });
    if (!parent) { S.thread = null; panel.hidden = true; $('app').classList.remove('with-thread'); return; }
    panel.hidden = false;
    $('app').classList.add('with-thread');
    var ch = channelById(parent.channel);
    $('thread-channel').textContent = '# ' + (ch ? ch.name : '');
    var list = $('thread-messages');
    var stick = nearBottom(list);
    var keep = list.scrollTop;
    clear(list);
    list.append(messageEl(parent, true));
    var replies = S.messages.filter(function (m) { return m.channel === parent.channel && m.thread_ts === parent.ts && m.ts !== parent.ts; })
      .map(function (m) { return { ts: m.ts, el: function () { return messageEl(m, true); } }; })
      .concat(myEphemerals(parent.channel, parent.ts).map(function (e) { return { ts: e.ts, el: function () { return ephemeralEl(e); } }; }));
    replies.sort(byTs);
    var n = parent.reply_count || 0;
    list.append(h('div', { class: 'thread-sep' }, replyCount(n)));
    replies.forEach(function (r) { list.append(r.el()); });
    list.scrollTop = stick ? list.scrollHeight : keep;
  }

  function renderChannels() {
    var ul = $('channel-list');
    clear(ul);
    S.channels.forEach(function (c) {
      ul.append(h('li', {
        class: (c.id === S.channel && !S.home ? 'active' : '') + (S.unread[c.id] ? ' unread' : ''),
        'data-testid': 'channel-' + c.name, 'data-channel': c.id,
        onclick: function () { S.home = false; S.channel = c.id; S.unread[c.id] = false; if (S.thread && S.thread.channel !== c.id) S.thread = null; remember(); render(true); }
      }, '# ' + c.name, isShared(c) ? h('span', { class: 'shared-mark', 'data-testid': 'shared-mark', title: sharedLabel(c), 'aria-label': sharedLabel(c) }, '\u21C4') : null));
    });
  }
  function isShared(c) { return !!c && (c.shared === 'ext' || c.shared === 'pending'); }
  function sharedLabel(c) {
    return c.shared === 'pending' ? 'Invitation to the client pending (Slack Connect)' : 'Shared with the client (Slack Connect)';
  }
  function renderShare() {
    var c = channelById(S.channel);
    var b = $('share-toggle');
    var on = isShared(c);
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.textContent = on ? sharedLabel(c) : 'Not shared with the client';
    $('channel-topic').textContent = on ? 'The client can read this channel' : 'Amends posts recovery cases here';
  }
  function renderUsers() {
    var sel = $('user-switcher');
    clear(sel);
    S.users.forEach(function (u) {
      sel.append(h('option', { value: u.id }, u.name + ' \u2014 ' + cityOfUser(u) + ' (' + offsetOf(u.tz) + ', ' + u.locale + ')'));
    });
    sel.value = S.me;
  }
  function renderClock() {
    var u = me();
    $('clock-now').textContent = fmt(new Date(nowMs()), { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }) + ' \u00B7 ' + cityOfUser(u);
  }
  function renderWorkspaces() {
    var rail = $('workspace-rail');
    clear(rail);
    S.workspaces.forEach(function (w) {
      var unread = w.channels.some(function (c) { return S.unread[c.id]; });
      var label = w.team.name + (w.installed ? '' : ' (Amends not installed yet)');
      rail.append(h('button', {
        type: 'button', class: 'ws-btn' + (w.team.id === S.ws ? ' active' : '') + (unread && w.team.id !== S.ws ? ' unread' : ''),
        'data-testid': 'workspace-' + w.team.id, 'data-team': w.team.id, title: label, 'aria-label': label,
        'aria-pressed': w.team.id === S.ws ? 'true' : 'false',
        onclick: function () { switchWorkspace(w.team.id); }
      }, initials(w.team.name), w.installed ? null : h('span', { class: 'ws-plus', 'aria-hidden': 'true' }, '+')));
    });
    var cur = currentWs();
    if (!cur) return;
    $('ws-name').textContent = cur.team.name;
    $('team-name').textContent = cur.team.name;
    $('ws-sub').textContent = cur.installed ? 'Everything stays on this machine' : 'Amends is not installed here yet';
    $('add-app').hidden = !!cur.installed;
    $('app-home-link').hidden = !cur.installed;
  }
  /** Shows another workspace, as a person of it (the one last chosen there, or its first). */
  function useWorkspace(id) {
    var w = S.workspaces.find(function (x) { return x.team.id === id; }) || S.workspaces[0];
    if (!w) return;
    S.ws = w.team.id;
    S.users = w.users;
    S.channels = w.channels;
    if (!userById(S.me)) S.me = userById(S.meOf[S.ws]) ? S.meOf[S.ws] : S.users[0].id;
    if (!channelById(S.channel)) S.channel = channelById(S.channelOf[S.ws]) ? S.channelOf[S.ws] : S.channels[0].id;
  }
  function switchWorkspace(id) {
    if (id === S.ws) return;
    S.meOf[S.ws] = S.me;
    S.channelOf[S.ws] = S.channel;
    S.thread = null;
    if (S.modal) closeModal();
    useWorkspace(id);
    remember();
    renderUsers();
    if (S.home && installedHere()) openApp();
    else { S.home = false; render(true); }
  }
  function render(forceBottom) {
    renderWorkspaces();
    renderChannels();
    renderShare();
    renderClock();
    var messages = S.tab === 'messages';
    var unread = !!S.unread[dmOf(S.me)] && !(S.home && messages);
    $('app-home-link').classList.toggle('active', S.home);
    $('app-home-link').classList.toggle('unread', unread);
    $('home').hidden = !S.home;
    document.querySelector('main.channel').hidden = S.home;
    if (S.home) {
      $('thread').hidden = true;
      $('app').classList.remove('with-thread');
      [['home-tab', !messages], ['messages-tab', messages]].forEach(function (t) {
        $(t[0]).classList.toggle('active', t[1]);
        $(t[0]).setAttribute('aria-selected', t[1] ? 'true' : 'false');
      });
      $('messages-tab').classList.toggle('unread', unread);
      $('home-view').hidden = messages;
      $('dm-messages').hidden = !messages;
      if (messages) renderDm(forceBottom);
      else renderHome(false);
      return;
    }
    S.homeDrawn = null;
    renderChannel(forceBottom);
    renderThread();
  }

  // ---------- App Home ----------
  /** The current user's published home view, drawn with the same blocks as messages; clicks name the view. */
  function renderHome(force) {
    var view = S.homes[S.me] || null;
    var drawn = S.homeDrawn;
    if (!force && drawn && drawn.view === view && drawn.user === S.me) return;
    S.homeDrawn = { view: view, user: S.me };
    var pane = $('home-view');
    var keep = drawn && drawn.user === S.me ? pane.scrollTop : 0;
    clear(pane);
    if (!view) pane.append(h('div', { class: 'empty', 'data-testid': 'home-loading' }, 'Opening App Home…'));
    else pane.append(renderBlocks(view.blocks, { msg: null, home: view }));
    pane.setAttribute('data-view-id', view ? view.id : '');
    pane.scrollTop = keep;
  }
  /** Opening the Home tab: Slack sends app_home_opened for this user, and the bot publishes. */
  function openHome() {
    S.home = true;
    S.tab = 'home';
    S.thread = null;
    remember();
    render();
    var user = S.me;
    post('/api/home', { user: user }).then(function (r) {
      if (r.view && !S.homes[user]) S.homes[user] = r.view;
      render();
    }).catch(fail);
  }
  /** The Messages tab: the user's DM with the app (Slack sends no event the bot listens to). */
  function openMessages() {
    S.home = true;
    S.tab = 'messages';
    S.thread = null;
    remember();
    render(true);
  }
  /** The app in the sidebar opens on the tab last seen, as Slack does. */
  function openApp() { if (S.tab === 'messages') openMessages(); else openHome(); }
  [['app-home-link', openApp], ['home-tab', openHome], ['messages-tab', openMessages]].forEach(function (x) {
    $(x[0]).addEventListener('click', x[1]);
    $(x[0]).addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); x[1](); }
    });
  });
  var renderQueued = false;
  function renderSoon() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(function () { renderQueued = false; render(); });
  }
  function remember() {
    S.meOf[S.ws] = S.me;
    S.channelOf[S.ws] = S.channel;
    try { localStorage.setItem('amends-sandbox', JSON.stringify({ me: S.me, channel: S.channel, home: S.home, tab: S.tab, ws: S.ws, meOf: S.meOf, channelOf: S.channelOf })); } catch (e) { /* private mode */ }
  }

  // ---------- modals ----------
  function makeForm(view, errors, previous) {
    var fields = [];
    return {
      fields: fields,
      field: function (b) {
        var el = b.element || {};
        var aid = el.action_id || 'input';
        var prev = previous && previous[b.block_id] && previous[b.block_id][aid];
        var input, get;
        var t = el.type;
        if (t === 'plain_text_input' || t === 'email_text_input' || t === 'url_text_input' || t === 'number_input') {
          input = el.multiline ? h('textarea', { rows: 4 }) : h('input', { type: 'text' });
          if (el.max_length) input.maxLength = el.max_length;
          if (el.placeholder) input.placeholder = plainOf(el.placeholder);
          input.value = prev ? (prev.value || '') : (el.initial_value || '');
          get = function () { return { type: t, value: input.value === '' ? null : input.value }; };
        } else if (t === 'static_select' || t === 'users_select' || t === 'conversations_select') {
          input = selectFor(el);
          if (prev) input.value = t === 'users_select' ? (prev.selected_user || '') : t === 'conversations_select' ? (prev.selected_conversation || '') : (prev.selected_option ? prev.selected_option.value : '');
          get = function () {
            if (t === 'users_select') return { type: t, selected_user: input.value || null };
            if (t === 'conversations_select') return { type: t, selected_conversation: input.value || null };
            var o = input.selectedOptions[0];
            return { type: t, selected_option: input.value ? { text: { type: 'plain_text', text: o ? o.textContent : input.value, emoji: true }, value: input.value } : null };
          };
        } else if (t === 'radio_buttons') {
          var name = 'r-' + b.block_id + '-' + (++S.seq);
          var chosen = prev ? (prev.selected_option && prev.selected_option.value) : (el.initial_option && el.initial_option.value);
          var radios = (el.options || []).map(function (o) {
            var r = h('input', { type: 'radio', name: name, value: o.value });
            r.checked = o.value === chosen;
            return { r: r, o: o, row: h('label', { class: 'radio' }, r, plainOf(o.text)) };
          });
          input = h('div', { role: 'radiogroup' }, radios.map(function (x) { return x.row; }));
          get = function () {
            var c = radios.find(function (x) { return x.r.checked; });
            return { type: t, selected_option: c ? { text: c.o.text, value: c.o.value } : null };
          };
        } else if (t === 'datepicker') {
          input = h('input', { type: 'date' });
          input.value = prev ? (prev.selected_date || '') : (el.initial_date || '');
          get = function () { return { type: t, selected_date: input.value || null }; };
        } else if (t === 'timepicker') {
          input = h('input', { type: 'time' });
          input.value = prev ? (prev.selected_time || '') : (el.initial_time || '');
          get = function () { return { type: t, selected_time: input.value || null }; };
        } else if (t === 'checkboxes') {
          var boxes = (el.options || []).map(function (o) {
            var c = h('input', { type: 'checkbox', value: o.value });
            return { c: c, o: o, row: h('label', { class: 'radio' }, c, plainOf(o.text)) };
          });
          input = h('div', null, boxes.map(function (x) { return x.row; }));
          get = function () { return { type: t, selected_options: boxes.filter(function (x) { return x.c.checked; }).map(function (x) { return { text: x.o.text, value: x.o.value }; }) }; };
        } else {
          input = h('div', { class: 'b-unknown' }, '[' + t + ']');
          get = function () { return { type: t }; };
        }
        var id = 'f-' + b.block_id + '-' + (++S.seq);
        if (input.setAttribute) { input.id = id; input.setAttribute('data-block-id', b.block_id); input.setAttribute('data-action-id', aid); }
        var err = errors && errors[b.block_id];
        var wrap = h('div', { class: 'field' + (err ? ' has-err' : ''), 'data-testid': 'field-' + b.block_id },
          h('label', { class: 'lbl', for: id }, plainOf(b.label), b.optional ? h('span', { class: 'opt' }, ' ' + chrome('optional')) : null),
          input,
          b.hint ? h('div', { class: 'hint' }, plainOf(b.hint)) : null,
          err ? h('div', { class: 'err', 'data-testid': 'field-error' }, err) : null);
        fields.push({ block: b, action: aid, get: get, el: el });
        return wrap;
      }
    };
  }
  function collect(form) {
    var values = {}, problems = {};
    form.fields.forEach(function (f) {
      var v = f.get();
      values[f.block.block_id] = values[f.block.block_id] || {};
      values[f.block.block_id][f.action] = v;
      var empty = v.value === null || v.selected_option === null || v.selected_user === null || v.selected_conversation === null || v.selected_date === null || v.selected_time === null;
      if (!f.block.optional && empty) problems[f.block.block_id] = 'Please complete this required field.';
      else if (v.value && f.el.min_length && v.value.length < f.el.min_length) problems[f.block.block_id] = 'Please enter at least ' + f.el.min_length + ' characters.';
    });
    return { values: values, problems: problems };
  }
  function closeModal() { S.modal = null; var ov = $('overlay'); ov.hidden = true; clear(ov); }
  function showModal(view, errors, keepValues) {
    var previous = keepValues && S.modal && S.modal.form ? collect(S.modal.form).values : null;
    var form = makeForm(view, errors, previous);
    S.modal = { view: view, form: form, user: S.me };
    var ov = $('overlay');
    clear(ov);
    var submit = view.submit ? h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'modal-submit' }, plainOf(view.submit)) : null;
    var box = h('form', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'modal', 'data-callback-id': view.callback_id, novalidate: true },
      h('div', { class: 'modal-head' },
        h('div', { class: 'modal-title', 'data-testid': 'modal-title' }, plainOf(view.title)),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: closeModal }, '\u2715')),
      h('div', { class: 'modal-body' }, renderBlocks(view.blocks, { msg: null, form: form })),
      h('div', { class: 'modal-foot' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'modal-close', onclick: closeModal }, plainOf(view.close) || chrome('cancel')),
        submit));
    box.addEventListener('submit', function (e) {
      e.preventDefault();
      var c = collect(form);
      if (Object.keys(c.problems).length) { showModal(view, c.problems, true); return; }
      if (submit) submit.disabled = true;
      post('/api/submit', { user: S.me, viewId: view.id, values: c.values }).then(function (r) {
        if (!S.modal || S.modal.view.id !== view.id) return;
        if (r.errors) showModal(view, r.errors, true);
        else if (r.view) showModal(r.view, null, true);
        else closeModal();
      }).catch(function (err) { if (submit) submit.disabled = false; fail(err); });
    });
    ov.append(box);
    ov.hidden = false;
    var first = box.querySelector('.modal-body input, .modal-body textarea, .modal-body select');
    if (first && !keepValues) first.focus();
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { closeMenu(); if (S.modal) closeModal(); }
  });

  // ---------- the stream ----------
  function upsert(m) {
    if (!m) return;
    var i = S.messages.findIndex(function (x) { return x.channel === m.channel && x.ts === m.ts; });
    if (i >= 0) S.messages[i] = m; else S.messages.push(m);
  }
  function setNow(iso) { S.offset = Date.parse(iso) - Date.now(); }
  function connect() {
    var es = new EventSource('/events');
    es.addEventListener('snapshot', function (e) {
      var d = JSON.parse(e.data);
      S.bot = d.bot; S.team = d.team;
      S.workspaces = d.workspaces || [{ team: d.team, installed: true, users: d.users, channels: d.channels }];
      S.messages = d.messages; S.ephemerals = d.ephemerals; S.local = []; S.hidden = {}; S.unread = {};
      S.homes = d.homes || {}; S.homeDrawn = null;
      setNow(d.now);
      var saved = {};
      try { saved = JSON.parse(localStorage.getItem('amends-sandbox') || '{}'); } catch (err) { saved = {}; }
      if (!S.ws) {
        S.meOf = saved.meOf || {}; S.channelOf = saved.channelOf || {};
        if (saved.ws) { S.meOf[saved.ws] = S.meOf[saved.ws] || saved.me; S.channelOf[saved.ws] = S.channelOf[saved.ws] || saved.channel; }
      }
      // Back from Add to Slack: the workspace just installed (or the reason it was not).
      var params = new URLSearchParams(location.search);
      var back = params.get('workspace');
      var problem = params.get('install_error');
      if (back || problem) history.replaceState(null, '', '/');
      var wanted = back || S.ws || saved.ws || S.workspaces[0].team.id;
      if (wanted !== S.ws) { S.me = null; S.channel = null; }
      useWorkspace(wanted);
      if (back && installedHere()) toast('Amends is installed in ' + currentWs().team.name + ': try /incident here, then switch workspace');
      if (problem) toast(problem === 'slack_oauth_installer_authorization_error' ? 'The install was cancelled: nothing was installed' : 'The install did not finish (' + problem + '): nothing was installed');
      if (S.modal) closeModal();
      renderUsers();
      // App Home stays open across a reload or a Reset: opening it again asks the (new) bot for it.
      if (!document.body.hasAttribute('data-ready') && saved.tab === 'messages') S.tab = 'messages';
      if (installedHere() && (S.home || (!document.body.hasAttribute('data-ready') && saved.home === true && !back))) openApp();
      else render(true);
      document.body.setAttribute('data-ready', 'true');
    });
    es.addEventListener('home', function (e) {
      var d = JSON.parse(e.data);
      S.homes[d.user] = d.view;
      if (S.home && d.user === S.me) render();
    });
    es.addEventListener('message', function (e) {
      var d = JSON.parse(e.data);
      upsert(d.message); upsert(d.parent);
      if (d.message.channel !== S.channel && isTop(d.message)) S.unread[d.message.channel] = true;
      render();
    });
    es.addEventListener('update', function (e) { upsert(JSON.parse(e.data).message); render(); });
    es.addEventListener('delete', function (e) {
      var d = JSON.parse(e.data);
      S.messages = S.messages.filter(function (x) { return !(x.channel === d.message.channel && x.ts === d.message.ts); });
      upsert(d.parent);
      render();
    });
    es.addEventListener('ephemeral', function (e) {
      var d = JSON.parse(e.data);
      S.ephemerals.push(d);
      if (d.user === S.me) render(d.channel === S.channel && !d.thread_ts);
    });
    es.addEventListener('view', function (e) {
      var d = JSON.parse(e.data);
      if (d.user !== S.me) return;
      showModal(d.view, null, !!(S.modal && S.modal.view.id === d.view.id));
    });
    // A walk through a week sends a clock event per hour: the clock shows each, the rest redraws once a frame.
    es.addEventListener('clock', function (e) { setNow(JSON.parse(e.data).now); renderClock(); renderSoon(); });
    es.addEventListener('channel', function (e) { setShared(JSON.parse(e.data)); });
    // A workspace got Amends (an install finished, here or in another tab).
    es.addEventListener('workspaces', function (e) {
      JSON.parse(e.data).workspaces.forEach(function (w) {
        var mine = S.workspaces.find(function (x) { return x.team.id === w.team.id; });
        if (mine) mine.installed = w.installed;
      });
      render();
    });
  }

  // ---------- controls ----------
  function localNote(text) {
    S.local.push({ local: true, channel: S.channel, user: S.me, ts: (nowMs() / 1000).toFixed(6), text: text });
    render(true);
  }
  $('composer-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = $('composer');
    var text = input.value.trim();
    if (!text) return;
    var m = /^\/incident(?:\s+([\s\S]*))?$/.exec(text);
    if (m && !installedHere()) {
      input.value = '';
      localNote('/incident is not a command here yet: Amends is not installed in ' + currentWs().team.name + '. Install it with Add to Slack, in the sidebar.');
    } else if (m) {
      input.value = '';
      post('/api/command', { user: S.me, channel: S.channel, text: (m[1] || '').trim() }).catch(function (err) { input.value = text; fail(err); });
    } else if (text.charAt(0) === '/') {
      localNote(text.split(/\s/)[0] + ' is not a valid command in this sandbox. Only Amends\' /incident is installed here.');
    } else {
      input.value = '';
      localNote('Plain messages stay on your screen in the sandbox: Amends only listens to /incident and its buttons. Try /incident Acme: late delivery.');
    }
  });
  $('user-switcher').addEventListener('change', function (e) {
    S.me = e.target.value;
    if (S.modal) closeModal();
    remember();
    renderUsers();
    if (S.home) openApp();
    else render();
  });
  $('thread-close').addEventListener('click', function () { S.thread = null; render(); });
  function setShared(d) {
    var c = anyChannel(d.id);
    if (c) { c.shared = d.shared; render(); }
  }
  $('share-toggle').addEventListener('click', function () {
    var b = $('share-toggle');
    var c = channelById(S.channel);
    if (!c) return;
    b.disabled = true;
    post('/api/share', { channel: c.id, how: isShared(c) ? 'none' : 'ext' }).then(function (r) {
      setShared({ id: r.channel, shared: r.shared });
      toast(isShared(channelById(r.channel)) ? '#' + c.name + ' is now shared with the client' : '#' + c.name + ' is no longer shared with the client');
    }).catch(fail).then(function () { b.disabled = false; });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-advance]'), function (b) {
    b.addEventListener('click', function () {
      var buttons = document.querySelectorAll('[data-advance]');
      Array.prototype.forEach.call(buttons, function (x) { x.disabled = true; });
      $('clock-busy').hidden = false;
      post('/api/clock', { advance: b.getAttribute('data-advance') }).then(function (r) {
        setNow(r.now);
        render();
        toast(r.sent ? ('Clock moved on: ' + r.sent + (r.sent === 1 ? ' reminder' : ' reminders') + ' posted') : 'Clock moved on: nothing was due');
      }).catch(fail).then(function () {
        Array.prototype.forEach.call(buttons, function (x) { x.disabled = false; });
        $('clock-busy').hidden = true;
      });
    });
  });
  $('reset').addEventListener('click', function () {
    confirmDialog({
      title: { text: 'Start over?' },
      text: { type: 'plain_text', text: 'Deletes every case, message and reminder in the sandbox and resets the clock. Your real Slack data is never touched.' },
      confirm: { text: 'Reset' }, deny: { text: 'Cancel' }, style: 'danger'
    }).then(function (ok) {
      if (!ok) return;
      S.thread = null;
      post('/api/reset', {}).then(function () { toast('The sandbox starts over'); }).catch(fail);
    });
  });
  setInterval(renderClock, 15000);
  connect();
})();
`;
