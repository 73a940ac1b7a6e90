/** The end-to-end benchmark's charts (issue 12, item 5): pushes/s per round, and by shard count. */
import { roundCategories, roundsChart } from '../shared/svg-chart.js';
import { shardsLabel, type Measured, type Scaling } from './paired-rounds.js';

const HERALD = 'Herald (publish IQ → APNS 200)';
const BARE = 'bare node:http2 loop';

/** Herald's pushes/s and the bare loop's requests/s in each paired round, then their medians. */
export function roundsSvg(title: string, m: Measured): string {
  return roundsChart({
    title,
    unit: 'pushes/s',
    categories: roundCategories(m.rows.length),
    series: [
      { name: HERALD, values: [...m.rows.map((r) => r.herald), m.herald] },
      { name: BARE, values: [...m.rows.map((r) => r.bare), m.bare] },
    ],
  });
}

/** The thread-scaling table drawn: medians for each shard count. */
export function scalingSvg(s: Scaling): string {
  return roundsChart({
    title: `Herald end-to-end by shard count (medians of ${s.rounds} paired rounds)`,
    unit: 'pushes/s',
    categories: s.points.map((p) => `${shardsLabel(p.shards)} shards`),
    series: [
      { name: HERALD, values: s.points.map((p) => p.measured.herald) },
      { name: BARE, values: s.points.map((p) => p.measured.bare) },
    ],
  });
}
