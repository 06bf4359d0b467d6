import { describe, expect, it } from 'vitest';
import type { TweetClass } from '@perch/shared';
import { classifyTweetText, localClassifier } from './local-classifier.ts';
import { eventConfidenceThreshold } from './tweet-classifier.ts';

const examples: Record<TweetClass, string[]> = {
  job_change: [
    'Some personal news: I’m joining @stripe as a staff engineer next month!',
    'Today is my last day at Google after 9 wonderful years.',
    'Thrilled to join the Vercel team 🎉',
    'First day at Anthropic. Let’s go.',
  ],
  fundraising: [
    'We just raised a $12M Series A led by @sequoia to build the future of CRMs',
    'Closed our seed round this morning. Thank you to every investor who believed in us.',
    'Announcing our pre-seed funding!',
  ],
  product_launch: [
    'Introducing Perch 2.0: your CRM, now with timelines.',
    'We launched on Product Hunt today, would love your support',
    'v3.1 is out now, with dark mode',
  ],
  promotion: [
    'Humbled to share that I got promoted to VP of Engineering at Acme',
    'Celebrating my promotion to principal designer today',
  ],
  milestone: [
    'We just crossed 10,000 customers. Thank you!',
    'Hit $1M ARR this week, bootstrapped.',
    'Acme turns 5 today: our 5th anniversary!',
  ],
  conference: [
    'Speaking at React Summit in Amsterdam next week, come say hi',
    'See you at KubeCon 2026 — I’ll be at the booth all day',
    'Giving the keynote on open source sustainability tomorrow',
  ],
  none: [
    'What a beautiful morning for a run.',
    'Hot take: tabs are better than spaces.',
    'Reading a great book about medieval castles',
    '',
  ],
};

describe('local classifier', () => {
  for (const [eventClass, texts] of Object.entries(examples)) {
    it(`recognises ${eventClass}`, () => {
      for (const text of texts) {
        const verdict = classifyTweetText(text);
        expect(verdict.eventClass, text).toBe(eventClass);
        if (eventClass !== 'none')
          expect(verdict.confidence, text).toBeGreaterThanOrEqual(eventConfidenceThreshold);
        expect(verdict.confidence).toBeLessThanOrEqual(1);
      }
    });
  }

  it('leaves a weak hint below the timeline threshold', () => {
    const verdict = classifyTweetText('Anyone else find conference wifi terrible?');
    expect(verdict.eventClass).toBe('conference');
    expect(verdict.confidence).toBeLessThan(eventConfidenceThreshold);
  });

  it('picks the strongest class when several match, and gains a little from agreeing rules', () => {
    expect(classifyTweetText('We raised a $4M seed round to launch our app').eventClass).toBe(
      'fundraising',
    );
    const one = classifyTweetText('Introducing Acme Sync').confidence;
    const two = classifyTweetText('Introducing Acme Sync: launched today, out now').confidence;
    expect(two).toBeGreaterThan(one);
  });

  it('is deterministic and answers one verdict per tweet, in order, under its own name', async () => {
    const tweets = [
      { id: '2', text: examples.fundraising[0]! },
      { id: '1', text: examples.none[0]! },
    ];
    const first = await localClassifier.classify(tweets);
    expect(first).toEqual(await localClassifier.classify(tweets));
    expect(first.map((v) => [v.tweetId, v.eventClass, v.classifier])).toEqual([
      ['2', 'fundraising', 'local'],
      ['1', 'none', 'local'],
    ]);
    expect(await localClassifier.classify([])).toEqual([]);
  });
});
