/**
 * The inbox's DOM: one table row per delivery and the detail panel (lock-screen preview, device
 * buttons, payload). Every text goes in through textContent or an attribute, never innerHTML:
 * payloads are attacker-controlled.
 */
import { summarise, type Delivery } from './push-summary.js';

/** The element with `id`, which the page (page-html.ts) has. */
export function byId<E extends HTMLElement>(id: string): E {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as E;
}

function cell(row: HTMLTableRowElement, className: string, content: string | Node): HTMLTableCellElement {
  const td = row.insertCell();
  td.className = className;
  td.append(content);
  return td;
}

function span(className: string, content: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = content;
  return s;
}

/** The simulator clock is epoch ms: shown as the local time of day. */
export function timeOf(d: Delivery): string {
  return new Date(d.receivedAt).toLocaleTimeString();
}

export function deliveryRow(d: Delivery): HTMLTableRowElement {
  const s = summarise(d);
  const row = document.createElement('tr');
  row.dataset.key = `${d.service}:${d.id}`;
  row.dataset.device = d.device;
  row.setAttribute('aria-selected', 'false');
  cell(row, 'time', timeOf(d));
  cell(row, 'device', s.deviceHint).title = d.device;
  cell(row, 'service', d.service);
  cell(row, 'type', s.pushType);
  cell(row, 'priority', s.priority);
  const text = document.createElement('div');
  if (d.outcome !== 'accepted') text.append(span('silent', 'not delivered'), document.createElement('br'));
  if (s.silent) text.append(span('silent', 'silent'));
  else {
    if (s.title !== undefined) text.append(span('title', s.title), document.createElement('br'));
    if (s.body !== undefined) text.append(span('body', s.body));
  }
  cell(row, 'text', text);
  cell(row, 'answer', s.answer).dataset.ok = String(s.answeredOk);
  return row;
}

/** Fills the detail panel for `d`. */
export function showDetail(d: Delivery): void {
  const s = summarise(d);
  byId('detail').hidden = false;
  byId('preview-app').textContent = d.topic ?? d.service;
  byId('preview-time').textContent = timeOf(d);
  byId('preview-title').textContent = s.silent ? '(silent push)' : (s.title ?? '');
  byId('preview-body').textContent = s.silent ? 'Wakes the app; nothing is shown.' : (s.body ?? (d.outcome === 'accepted' ? '' : `not delivered: ${s.answer}`));
  byId('device-token').textContent = d.device;
  byId('device-service').textContent = d.service;
  byId('device-program').textContent = '';
  byId('payload').textContent = JSON.stringify({ headers: d.headers ?? d.request?.headers, payload: d.payload, answer: d.answer }, null, 2);
}
