/**
 * The words for a detected event: the contact page's recent tweets (in the browser) and the server-rendered
 * timeline both use them. No zod, so the pages' bundle stays small.
 */
import type { EventClass } from './api/recent-tweets.ts';

const eventNames: Record<EventClass, string> = {
  job_change: 'Job change',
  fundraising: 'Fundraising',
  product_launch: 'Product launch',
  promotion: 'Promotion',
  milestone: 'Milestone',
  conference: 'Conference',
};

/** "Product launch · 92%"; an unknown class is just "Event". */
export function eventLabel(eventClass: string, confidence: number): string {
  const name = (eventNames as Record<string, string>)[eventClass] ?? 'Event';
  return Number.isFinite(confidence) ? `${name} · ${Math.round(confidence * 100)}%` : name;
}
