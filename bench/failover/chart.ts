/**
 * The failover bench's tables drawn (issue 12, item 5), per server: the takeover times of each
 * kill (lock, link, first push after the kill) and the messages each kill lost or duplicated,
 * then the medians, as the table has them.
 */
import { median } from '../e2e/report.js';
import { roundsChart, type Series } from '../shared/svg-chart.js';
import type { KillFigures } from './kill-cycle.js';

export interface FailoverChart {
  /** The chart file's name: `failover-prosody-ms`. */
  name: string;
  svg: string;
}

/** A figure not measured for a kill (no takeover on all_join) is NaN: drawn as 0, printed "–". */
const figure = (v: number | undefined): number => v ?? Number.NaN;

/** One series per figure, a bar per kill and the median of the kills that have it (NaN if none). */
function series(figures: readonly KillFigures[], picks: ReadonlyArray<[string, (f: KillFigures) => number | undefined]>): Series[] {
  return picks.map(([name, pick]) => {
    const values = figures.map((f) => figure(pick(f)));
    const measured = values.filter((v) => !Number.isNaN(v));
    return { name, values: [...values, measured.length === 0 ? Number.NaN : median(measured)] };
  });
}

/** `server`: the file-name key (`prosody`); `label`: how the bench names it ("Prosody 0.12, one_holds_the_link"). */
export function failoverCharts(server: string, label: string, figures: readonly KillFigures[]): FailoverChart[] {
  const categories = [...figures.map((_, i) => `kill ${i + 1}`), 'median'];
  return [
    {
      name: `failover-${server}-ms`,
      svg: roundsChart({
        title: `Failover on ${label}: from kill -9 to …`,
        unit: 'ms after the kill',
        categories,
        series: series(figures, [
          ['survivor holds the lock', (f) => f.lockMs],
          ['survivor linked', (f) => f.linkMs],
          ['first push of a message sent after the kill', (f) => f.firstServedMs],
        ]),
      }),
    },
    {
      name: `failover-${server}-messages`,
      svg: roundsChart({
        title: `Failover on ${label}: messages of each kill's cycle`,
        unit: 'messages',
        categories,
        series: series(figures, [
          ['lost (no push)', (f) => f.lost],
          ['duplicated pushes', (f) => f.duplicated],
        ]),
      }),
    },
  ];
}
