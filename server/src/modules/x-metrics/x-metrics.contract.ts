/**
 * What publishing asks of metrics: publishing tells metrics about each post X confirmed; metrics plans
 * the +1 h, +24 h, +7 d, +29 d snapshots. Implemented by createXMetrics (x-metrics.service.ts).
 */
export interface PublishedPost {
  userId: string;
  /** Perch's post id (x_posts.id) and the part's position; the X id of that part. */
  postId: string;
  position: number;
  xPostId: string;
  publishedAt: Date;
}

export interface XMetricsForPublishing {
  planSnapshots(post: PublishedPost): Promise<void>;
}
