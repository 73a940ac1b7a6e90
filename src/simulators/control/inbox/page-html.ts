/**
 * The push inbox page: a static shell the browser modules (browser/main.ts) fill. It holds no
 * data and no inline script (the Content-Security-Policy allows only this server's files).
 */
export const INBOX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald push inbox</title>
<link rel="stylesheet" href="/inbox/inbox.css">
<script type="module" src="/inbox/main.js"></script>
</head>
<body>
<header>
  <h1>Herald push inbox</h1>
  <span id="connection" class="connection" data-state="connecting">connecting…</span>
  <input id="filter" type="search" placeholder="Filter by device token" aria-label="Filter by device token" autocomplete="off">
  <button id="clear" type="button">Clear</button>
</header>
<p id="problem" class="problem" role="alert" hidden></p>
<main>
  <section class="list">
    <table>
      <thead><tr><th>Time</th><th>Device</th><th>Service</th><th>Type</th><th>Priority</th><th>Title / body</th><th>Answer</th></tr></thead>
      <tbody id="rows"></tbody>
    </table>
    <p id="empty" class="empty">No pushes yet. Send one through Herald: it shows here as the simulator receives it.</p>
  </section>
  <aside id="detail" class="detail" hidden>
    <div class="phone">
      <div class="notification">
        <div class="notification-head"><span id="preview-app" class="app"></span><span id="preview-time" class="time"></span></div>
        <div id="preview-title" class="title"></div>
        <div id="preview-body" class="body"></div>
      </div>
    </div>
    <div class="device">
      <div>Device <code id="device-token"></code> (<span id="device-service"></span>)</div>
      <div id="device-program" class="program"></div>
      <div class="actions">
        <button type="button" data-program="dead" title="Answer 410 Unregistered / UNREGISTERED">dead</button>
        <button type="button" data-program="slow" title="This device's answers 2 s late">slow</button>
        <button type="button" data-program="rate-limited" title="Answer 429, Retry-After 30 s">rate-limited</button>
        <button type="button" data-program="normal" title="Remove this device's program">normal</button>
      </div>
    </div>
    <pre id="payload" class="payload"></pre>
  </aside>
</main>
</body>
</html>
`;
