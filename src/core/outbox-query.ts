// The outbox list's query and the held-delivery filters: read from the URL by the route, drawn
// by the view (views/outbox.tsx), so they live below both.

/** The outbox list's filters, and its cursor (`before`: the page lists deliveries older than that id). */
export type OutboxQuery = {
  status?: string;
  channel?: string;
  source?: string;
  job?: number;
  message?: number;
  customer?: number;
  before?: number;
};

/** How many held deliveries the list's filters cover, when it is filtered to held ones. */
export type HeldCount = { total: number; ofPausedMessages: number };

/** The filters a bulk action on held deliveries carries: the list's, without status and cursor. */
export type HeldFilters = Pick<OutboxQuery, "channel" | "source" | "job" | "message" | "customer">;
