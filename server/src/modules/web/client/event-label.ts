/**
 * The words for a detected event: the contact page's recent tweets (recent-tweets.ts, in the browser) and the
 * server-rendered timeline (web.crm.ts) both use them. No DOM, so the server can import it.
 */
import type { EventClass } from '@perch/shared';

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
