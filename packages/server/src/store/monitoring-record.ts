/** Commands of one status and type waiting in (or running from) the queue. */
export interface QueueDepthRow {
  status: 'pending' | 'processing';
  type: string;
  count: number;
}

/** What monitoring asks of the store: whether it answers, and how deep the command queue is. */
export interface StoreMonitor {
  /** Resolves when the store answers a query and can take changes; rejects with why not. */
  ping(): Promise<void>;
  /**
   * Pending and processing commands by status and type, at most `limit` rows (the largest
   * first): one query on the status index, cheap enough for every scrape.
   */
  queueDepth(limit: number): Promise<QueueDepthRow[]>;
}
