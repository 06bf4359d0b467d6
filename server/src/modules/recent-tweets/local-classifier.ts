/**
 * The classifier Perch uses without an Anthropic key, and when Claude fails: keyword rules, deterministic, no
 * I/O. Each rule that matches votes for its class with its confidence; a class with several matching rules
 * gains a little; the strongest class wins (ties: the class listed first). Weak hints (a bare "conference")
 * stay below the timeline's threshold on their own.
 */
import type { EventClass } from '@perch/shared';
import type { TweetClassifier, TweetToClassify, TweetVerdict } from './tweet-classifier.ts';

interface Rule {
  eventClass: EventClass;
  pattern: RegExp;
  confidence: number;
}

const near = '[^.!?\\n]{0,50}'; // within the same sentence

const rules: Rule[] = [
  // before job_change: a promotion is a new title at the same place, and its tweets say "new role" too
  {
    eventClass: 'promotion',
    pattern: /\b(?:got |been |was |just |i'?m |i am )?promoted to\b/i,
    confidence: 0.9,
  },
  { eventClass: 'promotion', pattern: /\b(?:my|a|the) promotion\b/i, confidence: 0.8 },
  {
    eventClass: 'job_change',
    pattern:
      /\b(?:i'?m|i am|excited|thrilled|happy|proud|delighted)\s+(?:to be\s+)?(?:joining|to join)\b/i,
    confidence: 0.9,
  },
  {
    eventClass: 'job_change',
    pattern: /\b(?:i(?:'ve| have)?|just) joined (?:@\w+|the (?:\w+ )?team\b)/i,
    confidence: 0.85,
  },
  { eventClass: 'job_change', pattern: /\b(?:first|last) day (?:at|as|with)\b/i, confidence: 0.85 },
  {
    eventClass: 'job_change',
    pattern: /\b(?:i'?m leaving|i(?:'ve| have)? left|stepping down|stepped down|moving on from)\b/i,
    confidence: 0.75,
  },
  { eventClass: 'job_change', pattern: /\bnew (?:role|job|position|chapter)\b/i, confidence: 0.75 },
  {
    eventClass: 'fundraising',
    pattern: new RegExp(
      `\\b(?:raised|raising|closed|secured)\\b${near}(?:pre-seed|seed|series [a-f]\\b|round|funding|\\$\\s?\\d)`,
      'i',
    ),
    confidence: 0.9,
  },
  {
    eventClass: 'fundraising',
    pattern: /\b(?:pre-seed|seed|series [a-f]) (?:round|funding)\b/i,
    confidence: 0.88,
  },
  {
    eventClass: 'fundraising',
    pattern: /\b(?:backed by|investors?|valuation)\b/i,
    confidence: 0.55,
  },
  {
    eventClass: 'product_launch',
    pattern:
      /\b(?:introducing|announcing|now live|out now|available today|we'?re live|live on product hunt)\b/i,
    confidence: 0.85,
  },
  {
    eventClass: 'product_launch',
    pattern: /\b(?:launched|launching|just launched|launch day)\b/i,
    confidence: 0.8,
  },
  {
    eventClass: 'product_launch',
    pattern: /\b(?:shipped|shipping|released|v\d+(?:\.\d+)* is (?:out|here))\b/i,
    confidence: 0.7,
  },
  {
    eventClass: 'milestone',
    pattern: /\$\s?\d[\d,.]*\s?[kmb]?\s?(?:arr|mrr|in revenue|revenue)\b/i,
    confidence: 0.85,
  },
  {
    eventClass: 'milestone',
    pattern:
      /\b\d[\d,.]*\s?[km]?\+? (?:users|customers|followers|subscribers|downloads|stars|members|installs)\b/i,
    confidence: 0.8,
  },
  {
    eventClass: 'milestone',
    pattern:
      /\b(?:\d+(?:st|nd|rd|th) )?(?:year )?anniversary\b|\bmilestone\b|\b\d+ years (?:ago today|since|of)\b/i,
    confidence: 0.75,
  },
  {
    eventClass: 'conference',
    pattern: /\b(?:speaking|talk|keynote|panel|workshop) (?:at|on)\b/i,
    confidence: 0.85,
  },
  {
    eventClass: 'conference',
    pattern: new RegExp(
      `\\b(?:see you at|i'?ll be at|join me at|catch me at|heading to)\\b${near}\\b(?:conf\\w*|summit|meetup|festival|expo|week|\\d{4})\\b`,
      'i',
    ),
    confidence: 0.8,
  },
  { eventClass: 'conference', pattern: /\b(?:conference|summit|meetup)\b/i, confidence: 0.6 },
];

// Confidence of 'none' when no rule fires: the rules know a few phrasings, not the language.
const noneConfidence = 0.6;
const bonusPerExtraRule = 0.05;
const maxConfidence = 0.97;

export function classifyTweetText(
  tweetText: string,
): Pick<TweetVerdict, 'eventClass' | 'confidence'> {
  const text = tweetText.replace(/[\u2018\u2019]/g, "'"); // phones type curly apostrophes
  const votes = new Map<EventClass, number[]>();
  for (const rule of rules) {
    if (rule.pattern.test(text))
      votes.set(rule.eventClass, [...(votes.get(rule.eventClass) ?? []), rule.confidence]);
  }
  let best: Pick<TweetVerdict, 'eventClass' | 'confidence'> = {
    eventClass: 'none',
    confidence: noneConfidence,
  };
  for (const [eventClass, confidences] of votes) {
    const score = Math.min(
      maxConfidence,
      Math.max(...confidences) + bonusPerExtraRule * (confidences.length - 1),
    );
    if (best.eventClass === 'none' || score > best.confidence)
      best = { eventClass, confidence: Number(score.toFixed(2)) };
  }
  return best;
}

export const localClassifier: TweetClassifier = {
  name: 'local',
  classify: async (tweets: TweetToClassify[]) =>
    tweets.map((t) => ({ tweetId: t.id, ...classifyTweetText(t.text), classifier: 'local' })),
};
