/**
 * twitter-text's own conformance cases for the weighted counter (shared/conformance/twitter-text-validate.yml,
 * copied from twitter/twitter-text, Apache-2.0), run through Perch's weightedLength. Used by the conformance
 * test and by test/bench/counter-conformance.bench.ts; takes the file's text so it needs no file system.
 */
import { parse } from 'yaml';
import { weightedLength } from './post-rules.ts';

/** The sections that test the weighted counter, and the twitter-text config each was written for. */
export const counterSections = {
  WeightedTweetsCounterTest: 'config v2 (emoji weighed per code point)',
  WeightedTweetsWithDiscountedEmojiCounterTest: 'config v3 (emoji discounted, what X counts with)',
  UnicodeDirectionalMarkerCounterTest: 'config v3',
} as const;
export type CounterSection = keyof typeof counterSections;

/** Sections of the file that are not about the weighted counter, and why they are not run. */
export const skippedSections: Record<string, string> = {
  tweets:
    'validity under config v1 (140 code points, every character 1): X has not counted that way since 2017',
  usernames: 'username validation, not counting',
  lists: 'list validation, not counting',
  hashtags: 'hashtag validation, not counting',
  urls: 'URL validation, not counting (the counter uses twitter-text’s own URL extraction)',
  urls_without_protocol: 'URL validation, not counting',
};

/**
 * Where Perch gives another answer than the case expects, on purpose; `section: description` → why.
 * Both are in the config v2 section: v2 weighs every code point of an emoji; X counts with v3, where each emoji
 * is 2, and Perch agrees with the v3 section's copy of the same text.
 */
export const deliberateDifferences: Record<string, string> = {
  'WeightedTweetsCounterTest: Count a mix of single byte single word, and double word unicode characters':
    'config v2 counts 🐱 and its variation selector apart (16); X counts with v3, where an emoji is 2 (7)',
  'WeightedTweetsCounterTest: Count unicode emoji chars outside the basic multilingual plane with skin tone modifiers':
    'config v2 weighs the skin tone modifier as a second character (9); X counts with v3, emoji and tone together 2 (4)',
};

const comparedFields = [
  'weightedLength',
  'valid',
  'permillage',
  'validRangeStart',
  'validRangeEnd',
] as const;

interface RawCase {
  description: string;
  text: string;
  expected: Partial<Record<(typeof comparedFields)[number], number | boolean>>;
}

export interface CaseOutcome {
  section: CounterSection;
  description: string;
  /** `field: expected → Perch` for each field that differs. */
  differences: string[];
  /** Why, when the difference is one of `deliberateDifferences`. */
  deliberate: string | null;
}

export interface ConformanceReport {
  cases: CaseOutcome[];
  agreeing: CaseOutcome[];
  deliberate: CaseOutcome[];
  /** Differ and are not listed: a regression (or a listed case that no longer differs, see `staleListings`). */
  unexpected: CaseOutcome[];
  /** Listed as deliberate but agreeing (or missing from the file): the list is out of date. */
  staleListings: string[];
}

export function counterConformance(validateYaml: string): ConformanceReport {
  const file = parse(validateYaml) as { tests: Record<string, RawCase[]> };
  const cases: CaseOutcome[] = [];
  for (const section of Object.keys(counterSections) as CounterSection[])
    for (const c of file.tests[section] ?? []) {
      const perch = { ...weightedLength(c.text), validRangeStart: 0 };
      const differences = comparedFields
        .filter((f) => f in c.expected && c.expected[f] !== perch[f])
        .map((f) => `${f}: ${String(c.expected[f])} → ${String(perch[f])}`);
      const key = `${section}: ${c.description}`;
      cases.push({
        section,
        description: c.description,
        differences,
        deliberate: differences.length > 0 ? (deliberateDifferences[key] ?? null) : null,
      });
    }
  const differing = new Set(
    cases.filter((c) => c.differences.length > 0).map((c) => `${c.section}: ${c.description}`),
  );
  return {
    cases,
    agreeing: cases.filter((c) => c.differences.length === 0),
    deliberate: cases.filter((c) => c.deliberate !== null),
    unexpected: cases.filter((c) => c.differences.length > 0 && c.deliberate === null),
    staleListings: Object.keys(deliberateDifferences).filter((key) => !differing.has(key)),
  };
}
