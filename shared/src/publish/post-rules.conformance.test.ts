import { describe, expect, it } from 'vitest';
import validateYaml from '../../conformance/twitter-text-validate.yml?raw';
import {
  counterConformance,
  counterSections,
  deliberateDifferences,
} from './twitter-text-conformance.ts';

const report = counterConformance(validateYaml);

describe("twitter-text's conformance cases for the weighted counter", () => {
  it('runs every case of the counter sections', () => {
    // 20 + 22 + 2 in twitter-text 3.1.0's validate.yml: a parse that drops a section shows here.
    expect(report.cases.filter((c) => c.section === 'WeightedTweetsCounterTest')).toHaveLength(20);
    expect(
      report.cases.filter((c) => c.section === 'WeightedTweetsWithDiscountedEmojiCounterTest'),
    ).toHaveLength(22);
    expect(
      report.cases.filter((c) => c.section === 'UnicodeDirectionalMarkerCounterTest'),
    ).toHaveLength(2);
    expect(Object.keys(counterSections)).toHaveLength(3);
  });

  it.each(report.cases.map((c) => [`${c.section}: ${c.description}`, c] as const))(
    '%s',
    (_name, outcome) => {
      if (outcome.deliberate) expect(outcome.differences.length).toBeGreaterThan(0);
      else expect(outcome.differences).toEqual([]);
    },
  );

  it('lists only deliberate differences that still differ', () => {
    expect(report.staleListings).toEqual([]);
    expect(report.deliberate).toHaveLength(Object.keys(deliberateDifferences).length);
  });

  it('agrees on every case written for config v3, the one X counts with', () => {
    expect(
      report.cases.filter(
        (c) => c.section !== 'WeightedTweetsCounterTest' && c.differences.length > 0,
      ),
    ).toEqual([]);
  });
});
