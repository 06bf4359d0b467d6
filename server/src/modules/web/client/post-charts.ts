/**
 * The Posts page's charts, drawn by uPlot (bundled with the page; its stylesheet is imported by style.css):
 * followers over time, and one post's impressions over its first days.
 */
import uPlot from 'uplot';
import type { AccountMetricsView, PostMetricsView } from '@perch/shared';

export type Series = [xs: number[], ys: (number | null)[]];

/** Followers per day: x in Unix seconds (uPlot's time scale), y the count. */
export function followersSeries(view: AccountMetricsView): Series {
  const days = [...view.days].sort((a, b) => a.day.localeCompare(b.day));
  return [days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000), days.map((d) => d.followers)];
}

/** Impressions by hours since the post went out (snapshots at +1 h, +24 h, +7 d, +29 d), oldest first. */
export function impressionsSeries(view: PostMetricsView, publishedAt: string): Series {
  const start = Date.parse(publishedAt);
  const snaps = [...view.snapshots].sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  return [
    snaps.map((s) =>
      Math.max(0, Math.round(((Date.parse(s.takenAt) - start) / 3_600_000) * 10) / 10),
    ),
    snaps.map((s) => s.figures.impressions),
  ];
}

/** The x axis: the data's span, widened to a few days (time) or the first day (hours) when it is short. */
export function xRange(xs: readonly number[], time: boolean): [number, number] {
  const min = xs.length ? Math.min(...xs) : 0;
  const max = xs.length ? Math.max(...xs) : 0;
  if (!time) return [0, Math.max(24, max)];
  return max - min < 86_400 ? [min - 3 * 86_400, max + 86_400] : [min, max];
}

const chartWidth = (el: HTMLElement) => Math.max(280, Math.min(el.clientWidth || 640, 900));

/** Draws a line chart of `series` into `el` (replacing what was there); returns the chart to destroy later. */
export function drawLineChart(
  el: HTMLElement,
  series: Series,
  { label, time, xLabel }: { label: string; time: boolean; xLabel?: string },
): uPlot {
  el.replaceChildren();
  return new uPlot(
    {
      width: chartWidth(el),
      height: 200,
      scales: {
        // From the data itself: with one point (a new account, a post's first snapshot) uPlot's own range spans years.
        x: { time, range: () => xRange(series[0], time) },
        y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil(max * 1.1))] },
      },
      series: [
        time ? {} : { label: xLabel ?? 'x', value: (_u, v) => (v == null ? '' : `${v} h`) },
        { label, stroke: '#0f766e', width: 2, points: { show: true }, spanGaps: true },
      ],
      axes: [time ? {} : { label: xLabel, values: (_u, ticks) => ticks.map((t) => `${t} h`) }, {}],
      legend: { show: true },
    },
    series,
    el,
  );
}
