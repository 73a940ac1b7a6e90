/**
 * The push inbox page: deliveries arrive on the live stream (/events) and are listed newest
 * first; a click shows one as a lock-screen notification with its device's buttons.
 */
import { call, eventsUrl, programDevice, type DeviceProgramName } from './api.js';
import { deviceHint, type Delivery } from './push-summary.js';
import { byId, deliveryRow, showDetail } from './view.js';

/** Rows the page keeps: a page left open for days must not grow without end. */
const MAX_ROWS = 500;

const deliveries = new Map<string, Delivery>();
let selected: Delivery | undefined;

const rows = byId<HTMLTableSectionElement>('rows');
const filter = byId<HTMLInputElement>('filter');
const problem = byId('problem');
const connection = byId('connection');

function report(error: unknown): void {
  problem.textContent = error instanceof Error ? error.message : String(error);
  problem.hidden = false;
}

function matchesFilter(device: string): boolean {
  const wanted = filter.value.trim().toLowerCase();
  return wanted === '' || device.toLowerCase().includes(wanted);
}

function showEmpty(): void {
  byId('empty').hidden = deliveries.size > 0;
}

function add(d: Delivery): void {
  const key = `${d.service}:${d.id}`;
  if (deliveries.has(key)) return; // replayed after a reconnect
  deliveries.set(key, d);
  const row = deliveryRow(d);
  row.hidden = !matchesFilter(d.device);
  rows.prepend(row);
  while (rows.rows.length > MAX_ROWS) {
    const oldest = rows.rows[rows.rows.length - 1]!;
    deliveries.delete(oldest.dataset.key ?? '');
    oldest.remove();
  }
  showEmpty();
}

function select(key: string): void {
  const d = deliveries.get(key);
  if (d === undefined) return;
  selected = d;
  for (const row of rows.rows) row.setAttribute('aria-selected', String(row.dataset.key === key));
  showDetail(d);
}

rows.addEventListener('click', (event) => {
  const row = (event.target as Element).closest('tr');
  if (row?.dataset.key !== undefined) select(row.dataset.key);
});

filter.addEventListener('input', () => {
  for (const row of rows.rows) row.hidden = !matchesFilter(row.dataset.device ?? '');
});

byId('clear').addEventListener('click', () => {
  call('DELETE', '/deliveries').then(() => {
    deliveries.clear();
    rows.replaceChildren();
    byId('detail').hidden = true;
    selected = undefined;
    problem.hidden = true;
    showEmpty();
  }, report);
});

for (const button of byId('detail').querySelectorAll<HTMLButtonElement>('button[data-program]')) {
  button.addEventListener('click', () => {
    if (selected === undefined) return;
    const name = button.dataset.program as DeviceProgramName;
    const { service, device } = selected;
    programDevice(name, service, device).then(() => {
      problem.hidden = true;
      byId('device-program').textContent = `${deviceHint(device)} is now: ${button.textContent ?? name}`;
    }, report);
  });
}

const stream = new EventSource(eventsUrl());
stream.addEventListener('open', () => {
  connection.dataset.state = 'live';
  connection.textContent = 'live';
});
stream.addEventListener('error', () => {
  connection.dataset.state = 'lost';
  connection.textContent = 'stream lost, reconnecting…';
});
stream.addEventListener('delivery', (event) => {
  try {
    add(JSON.parse((event as MessageEvent<string>).data) as Delivery);
  } catch (e) {
    report(e);
  }
});
