/**
 * How closely Perch's weighted counter (@perch/shared/post-rules) follows twitter-text: every weighted-length
 * case of twitter-text 3.1.0's own conformance file (shared/conformance/twitter-text-validate.yml) run through
 * weightedLength. Prints the cases, how many agree with twitter-text's expected values, the listed deliberate
 * differences with why, the emoji Perch re-scores (which the file has no case for), and how long a 25,000-character
 * count takes (the Compose page counts on every keystroke).
 */
import { readFileSync } from 'node:fs';
import { weightedLength } from '@perch/shared/post-rules';
import {
  counterConformance,
  emojiRescoring,
  skippedSections,
} from '../../shared/src/publish/twitter-text-conformance.ts';

const yamlText = readFileSync(
  new URL('../../shared/conformance/twitter-text-validate.yml', import.meta.url),
  'utf8',
);
const report = counterConformance(yamlText);
const total = report.cases.length;
const agreeing = report.agreeing.length;

console.log(
  `weighted counter: ${agreeing}/${total} cases agree (${(agreeing / total).toFixed(3)}); ` +
    `${report.deliberate.length} differ on purpose, ${report.unexpected.length} differ unexpectedly`,
);
for (const c of report.deliberate)
  console.log(
    `  on purpose: ${c.section}: "${c.description}" (${c.differences.join('; ')}): ${c.deliberate}`,
  );
for (const c of report.unexpected)
  console.log(`  UNEXPECTED: ${c.section}: "${c.description}" (${c.differences.join('; ')})`);
for (const stale of report.staleListings) console.log(`  listed but agreeing (stale): ${stale}`);
const bySection = new Map<string, [number, number]>();
for (const c of report.cases) {
  const [a, n] = bySection.get(c.section) ?? [0, 0];
  bySection.set(c.section, [a + (c.differences.length === 0 ? 1 : 0), n + 1]);
}
for (const [section, [a, n]] of bySection) console.log(`  ${section}: ${a}/${n}`);
console.log(
  `  not run: ${Object.entries(skippedSections)
    .map(([s, why]) => `${s} (${why})`)
    .join('; ')}`,
);

const rescored = emojiRescoring();
console.log(`emoji re-scored (twitter-text → Perch, X counts 2): ${rescored.length}`);
for (const e of rescored) console.log(`  ${e.emoji} ${e.name}: ${e.twitterText} → ${e.perch}`);

const long = 'Perch 🧑‍🤝‍🧑 https://example.com/a 漢字 '.repeat(700).slice(0, 25_000);
const times: number[] = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  weightedLength(long, 25_000);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(
  `count of ${long.length} UTF-16 units: median ${times[25]!.toFixed(2)} ms, worst ${times[49]!.toFixed(2)} ms (50 runs)`,
);
if (report.unexpected.length > 0 || report.staleListings.length > 0) process.exitCode = 1;
