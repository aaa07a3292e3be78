// The dispatcher (SPEC D3–D6): claims due deliveries with leases, keeps those leases alive while
// it works on them, sends within each channel's rate (a budget shared by every process), and
// records every outcome. A delivery that cannot be composed, or keeps failing, fails alone with
// its reason; the rest of its batch goes on. Crash safety lives in send-email.ts (replay the
// recorded request) and send-phone.ts (ask the provider before sending again).
import { and, eq } from "drizzle-orm";
import { REPLAY_WINDOW_MS, RETRY, type RetryPolicy } from "../core/retry-policy.ts";
import {
  claimById,
  claimDue,
  failDelivery,
  hasDueWork,
  holdClaimed,
  holdOverdue,
  pruneEmailBatches,
  releaseLeases,
  renewLeases,
} from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import { peekTokens } from "../db/rate-budget.ts";
import { type StudioSettings, workerState } from "../db/schema.ts";
import { CHANNELS, type Channel } from "../core/vocabulary.ts";
import { installationId } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import { PROVIDER_TIMEOUT_MS } from "../providers/types.ts";
import { createPacer, rateLimit } from "./pacing.ts";
import type { Providers, SendDeps } from "./send-deps.ts";
import { sendEmails } from "./send-email.ts";
import { reconcile, sendPhone } from "./send-phone.ts";
import { emptyResult, type SendContext, type TickResult } from "./settle.ts";

export type { TickResult } from "./settle.ts";

export type DispatcherOptions = {
  /** This worker's name in leases; unique per process. */
  owner: string;
  /** How long a claim lasts without a heartbeat; the heartbeat renews it every third of that. */
  leaseMs?: number;
  random?: () => number;
  /** How long one provider request may take (the adapters' timeout); an attempt older than it is over. */
  providerTimeoutMs?: number;
  /** Wake-up interval when idle. */
  idleMs?: number;
  /** The retry policy (default RETRY); tests shorten its waits to live through an outage in seconds. */
  retry?: Partial<RetryPolicy>;
};

const EMAIL_BATCH = 100;
/**
 * The most one pass claims: each pass has a fixed cost (settings, claim, composer, a few commits),
 * so a big send goes in passes of this size; a lower rate claims less (its budget's tokens).
 */
const EMAIL_BATCHES_PER_TICK = 20;
const PHONE_PER_TICK = 500;
/** How often a working dispatcher notes that it is alive (for holdAfterOutage). */
const LAST_TICK_EVERY_MS = 5_000;

/** "4 min", "3 h 5 min", "2 days 1 h": how long, for staff. */
function durationWords(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ""}`;
  return `${Math.floor(h / 24)} days${h % 24 ? ` ${h % 24} h` : ""}`;
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

export function createDispatcher(deps: SendDeps, providers: Providers, opts: DispatcherOptions) {
  const { db, clock, log } = deps;
  const leaseMs = opts.leaseMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const retry = { ...RETRY, ...opts.retry };
  let running: Promise<unknown> | null = null;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastPrune = 0;

  // The heartbeat: while deliveries are in hand, their leases are renewed every third of a lease,
  // so a slow provider call never outlives its lease and lets a second worker send it again.
  const inHand = new Set<number>();
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const renew = () => {
    if (!inHand.size) return;
    renewLeases(db, [...inHand], opts.owner, leaseMs).catch((err) =>
      log("warn", "lease renewal failed", { error: String(err) }),
    );
  };

  /**
   * Works on claimed deliveries with their leases kept alive; afterwards, any still claimed but
   * not started (a step cut short by an error or a stop) go back to the queue at once.
   */
  async function working(claimed: Delivery[], fn: () => Promise<void>) {
    const ids = claimed.map((d) => d.id);
    for (const id of ids) inHand.add(id);
    heartbeat ??= setInterval(renew, Math.max(50, Math.floor(leaseMs / 3)));
    try {
      await fn();
    } finally {
      for (const id of ids) inHand.delete(id);
      if (!inHand.size && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = null;
      }
      await releaseLeases(db, opts.owner, clock(), ids);
    }
  }

  // An attempt may be in flight until its request times out; a little margin for the clocks.
  const inFlightMs = (opts.providerTimeoutMs ?? PROVIDER_TIMEOUT_MS) + 5_000;
  let install: Promise<string> | null = null;
  // Read once; a failed read is not kept, so the next pass asks again.
  const installId = () =>
    (install ??= installationId(db, clock()).catch((err) => {
      install = null;
      throw err;
    }));
  const context = (s: StudioSettings, result: TickResult): SendContext => ({
    deps,
    providers,
    owner: opts.owner,
    leaseMs,
    inFlightMs,
    attemptLeaseMs: Math.max(leaseMs, inFlightMs),
    random,
    retry,
    settings: s,
    result,
    stopping: () => stopped,
    installId,
    pacer: createPacer(db, s),
  });

  /**
   * A delivery claimed more often than the retry limit allows (its sender crashed on it each time,
   * or it kept failing) stops here: failed with its last error, or held for review when its last
   * attempt may have reached the provider.
   */
  async function giveUp(cx: SendContext, d: Delivery, now: Date) {
    const tries = `after ${d.attempts - 1} attempts`;
    if (d.attemptStartedAt && d.channel === "email") {
      const reason = `held for review: ${tries} its outcome is unknown (${d.lastError ?? "the sender stopped mid-send"}); check Resend's log, then release or cancel it`;
      if (await holdClaimed(db, d.id, opts.owner, now, reason)) cx.result.held++;
      return;
    }
    if (
      await failDelivery(
        db,
        d.id,
        opts.owner,
        now,
        `gave up ${tries}: ${d.lastError ?? "its sender stopped before finishing it each time"}`,
      )
    )
      cx.result.failed++;
  }

  /** Sends what was claimed on one channel; what is past the attempt limit stops instead. */
  async function send(cx: SendContext, channel: Channel, claimed: Delivery[], now: Date) {
    const over = claimed.filter((d) => d.attempts > retry.maxAttempts);
    for (const d of over) {
      // An SMS or call that may have gone out is looked up first: if it did, it is sent, not failed.
      if (channel !== "email" && d.attemptStartedAt && (await reconcile(cx, channel, d, now)) !== "not_sent") continue;
      await giveUp(cx, d, now);
    }
    const rest = claimed.filter((d) => !over.includes(d));
    if (!rest.length) return;
    if (channel === "email") await sendEmails(cx, rest, now);
    else await sendPhone(cx, channel, rest, now);
  }

  /** After an outage longer than the hold setting, overdue work waits for review (SPEC D6). */
  async function holdAfterOutage(s: StudioSettings, now: Date) {
    const holdMs = s.overdueHoldMinutes * 60_000;
    const last = await db.query.workerState.findFirst({
      where: and(eq(workerState.name, "dispatcher"), eq(workerState.key, "last_tick")),
    });
    if (holdMs > 0 && last && now.getTime() - Number(last.value) > holdMs) {
      const held = await holdOverdue(db, now, holdMs, durationWords(now.getTime() - Number(last.value)));
      if (held)
        log("warn", "held overdue deliveries for review after an outage", {
          held,
          downMinutes: Math.round((now.getTime() - Number(last.value)) / 60_000),
        });
    }
    // Written every few seconds, not every pass: a write is a commit (a disk sync), and an outage
    // is counted in minutes.
    if (last && Math.abs(now.getTime() - Number(last.value)) < LAST_TICK_EVERY_MS) return;
    await db
      .insert(workerState)
      .values({ name: "dispatcher", key: "last_tick", value: String(now.getTime()), updatedAt: now })
      .onConflictDoUpdate({
        target: [workerState.name, workerState.key],
        set: { value: String(now.getTime()), updatedAt: now },
      });
  }

  /** Claims and sends one channel's due work, as much as its rate budget allows now. */
  async function tickChannel(cx: SendContext, channel: Channel, now: Date) {
    const budget = await peekTokens(db, channel, rateLimit(channel, cx.settings));
    if (budget.tokens === 0) {
      if (await hasDueWork(db, channel, now))
        cx.result.throttledMs = Math.min(cx.result.throttledMs ?? budget.waitMs, budget.waitMs);
      return;
    }
    // E-mail tokens are API requests (a batch of up to 100 is one); SMS and call tokens are messages.
    const limit =
      channel === "email"
        ? Math.min(EMAIL_BATCHES_PER_TICK, budget.tokens) * EMAIL_BATCH
        : Math.min(PHONE_PER_TICK, budget.tokens);
    const claimed = await claimDue(db, channel, opts.owner, now, leaseMs, limit);
    // A full claim leaves more due behind it: the loop comes back at once instead of resting.
    if (claimed.length === limit) cx.result.more = true;
    if (claimed.length) await working(claimed, () => send(cx, channel, claimed, now));
  }

  /** One pass: hold overdue work after an outage, then send what is due within each channel's rate. */
  async function tick(): Promise<TickResult> {
    const result = emptyResult();
    const now = clock();
    const s = await getSettings(db);
    await holdAfterOutage(s, now);
    if (now.getTime() - lastPrune > 3600_000) {
      lastPrune = now.getTime();
      await pruneEmailBatches(db, new Date(now.getTime() - 2 * REPLAY_WINDOW_MS));
    }
    const cx = context(s, result);
    for (const channel of CHANNELS) {
      // One channel's trouble (a provider down, a database hiccup) must not stop the others.
      try {
        await tickChannel(cx, channel, now);
      } catch (err) {
        log("error", "dispatcher: sending failed", { channel, error: String(err), stack: (err as Error).stack });
      }
    }
    return result;
  }

  /**
   * Sends exactly this one delivery now, if it is queued (a test send a staff member waits for):
   * through the same providers, leases and shared rate budget as the loop, and nothing else.
   */
  async function sendNow(id: number): Promise<TickResult> {
    const result = emptyResult();
    const now = clock();
    const s = await getSettings(db);
    const claimed = await claimById(db, id, opts.owner, now, leaseMs);
    const d = claimed[0];
    if (d) await working(claimed, () => send(context(s, result), d.channel, claimed, now));
    return result;
  }

  async function loop() {
    while (!stopped) {
      let busy = false;
      let throttledMs: number | undefined;
      let more = false;
      try {
        running = tick();
        const r = (await running) as TickResult;
        busy = r.sent + r.retried + r.failed + r.skipped + r.held > 0;
        throttledMs = r.throttledMs;
        more = r.more === true;
      } catch (err) {
        log("error", "dispatcher tick failed", { error: String(err), stack: (err as Error).stack });
      } finally {
        running = null;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        timer = setTimeout(
          resolve,
          throttledMs !== undefined ? Math.max(5, throttledMs) : more ? 0 : busy ? 20 : (opts.idleMs ?? 1000),
        );
      });
    }
  }

  return {
    tick,
    sendNow,
    start() {
      stopped = false;
      void loop();
    },
    /** Graceful stop (SPEC X5): finish the provider calls in flight, hand back unstarted claims. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      // Handing back unstarted claims only saves the others a wait: if the database will not take
      // it (another process kept it locked past the lock wait), they return when their lease lapses.
      await releaseLeases(db, opts.owner, clock()).catch((err) =>
        log("warn", "could not hand back unstarted claims at stop; they return when their lease lapses", {
          error: String(err),
        }),
      );
    },
  };
}
