/** The push inbox page's stylesheet: plain CSS, system fonts, no external resource. */
export const INBOX_CSS = `
:root { color-scheme: light; --line: #d8dce3; --muted: #667085; --accent: #2f5bd3; --bad: #b42318; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #101828; background: #f6f7f9; }
header { display: flex; gap: 12px; align-items: center; padding: 10px 16px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 17px; margin: 0 8px 0 0; }
.connection { font-size: 12px; color: var(--muted); }
.connection[data-state="live"] { color: var(--ok); }
.connection[data-state="lost"] { color: var(--bad); }
#filter { flex: 1; max-width: 360px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button:hover { border-color: var(--accent); }
.problem { margin: 0; padding: 8px 16px; background: #fef3f2; color: var(--bad); border-bottom: 1px solid #fecdca; }
main { display: flex; gap: 16px; padding: 16px; align-items: flex-start; }
.list { flex: 1; min-width: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); background: #fafbfc; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #f5f8ff; }
tbody tr[aria-selected="true"] { background: #e8efff; }
td.device { font-family: ui-monospace, monospace; white-space: nowrap; }
td.text .title { font-weight: 600; }
td.text .silent { color: var(--muted); font-style: italic; }
td.answer[data-ok="false"] { color: var(--bad); font-weight: 600; }
td.answer[data-ok="true"] { color: var(--ok); }
.empty { color: var(--muted); padding: 16px; margin: 0; }
.detail { width: 360px; flex: none; display: flex; flex-direction: column; gap: 12px; }
.phone { padding: 28px 14px 40px; border-radius: 36px; background: linear-gradient(160deg, #3a4a6b, #111827); box-shadow: 0 6px 18px rgba(0,0,0,.2); }
.notification { padding: 10px 12px; border-radius: 16px; background: rgba(255,255,255,.88); backdrop-filter: blur(8px); }
.notification-head { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .02em; }
.notification .title { font-weight: 600; margin-top: 2px; overflow-wrap: anywhere; }
.notification .body { overflow-wrap: anywhere; white-space: pre-wrap; }
.device { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
.device code { overflow-wrap: anywhere; }
.program { color: var(--muted); font-size: 12px; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.payload { margin: 0; max-height: 320px; overflow: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px; font-size: 12px; }
`;
