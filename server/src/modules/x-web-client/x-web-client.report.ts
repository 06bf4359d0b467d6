import type { WebClientReport } from './x-web-client.service.ts';

const sourceWords = {
  pinned: 'pinned by configuration',
  discovered: 'discovered from x.com',
  'built-in': 'built into bird 0.8.0',
} as const;

/** `pnpm perch x:query-ids`: a few plain lines a person can compare with x.com. */
export function formatWebClientReport(report: WebClientReport): string {
  const width = Math.max(...report.operations.map((o) => o.operation.length));
  const lines = report.operations.map(
    (o) =>
      `${o.operation.padEnd(width)}  ${o.queryId}  (${sourceWords[o.source]}; ${o.features} feature switches ${o.features ? sourceWords[o.featureSource] : 'besides bird’s own'})`,
  );
  lines.push(
    `${'bearer'.padEnd(width)}  ${report.bearer.value ? `${report.bearer.value.slice(0, 12)}…` : 'bird’s own'}  (${sourceWords[report.bearer.source]})`,
  );
  const at = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : 'never');
  lines.push(
    '',
    `Last discovery: ${at(report.discoveredAt)}${report.bundles.length ? ` from ${report.bundles.join(', ')}` : ''}.`,
  );
  lines.push(`Last attempt: ${at(report.triedAt)}${report.outcome ? ` (${report.outcome})` : ''}.`);
  return lines.join('\n');
}
