// The dispatcher (SPEC D3–D6): claims due deliveries with leases, sends them within each
// channel's rate, and records every outcome. Crash safety: an e-mail batch that may have gone
// out is re-sent whole with the same idempotency key (Resend replays it); an SMS or call whose
// outcome is unknown is looked up at the provider before any retry.
import { and, eq } from "drizzle-orm";
import { retryDecision } from "../core/retry-policy.ts";
import { nextSendableInstant } from "../core/send-window.ts";
import { type Bucket, refill, take, waitForToken } from "../core/token-bucket.ts";
import {
  ackSent,
  ackSentMany,
  beginAttempt,
  beginEmailGroup,
  claimById,
  claimDue,
  type Delivery,
  emailGroup,
  failDelivery,
  hasDueWork,
  holdOverdue,
  releaseLeases,
  requeue,
  skipClaimed,
} from "../db/outbox.ts";
import { type Channel, phoneLookups, type StudioSettings, workerState } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import { activeSuppressions, suppress } from "../db/suppressions.ts";
import type { Deps } from "../deps.ts";
import type { EmailMessage, EmailProvider, LookupProvider, SendOutcome, SmsProvider, VoiceProvider } from "../providers/types.ts";
import { createComposer } from "./compose.ts";

export type Providers = { email: EmailProvider; sms: SmsProvider; voice: VoiceProvider; lookup: LookupProvider };

export type DispatcherOptions = {
  /** This worker's name in leases; unique per process. */
  owner: string;
  leaseMs?: number;
  random?: () => number;
  /** Wake-up interval when idle. */
  idleMs?: number;
};

/** What a tick did; `throttledMs` is set when due work waits for a rate-limit token. */
export type TickResult = { sent: number; retried: number; failed: number; skipped: number; waiting: number; throttledMs?: number };

const EMAIL_BATCH = 100;

export type Dispatcher = ReturnType<typeof createDispatcher>;

export function createDispatcher(deps: Deps, providers: Providers, opts: DispatcherOptions) {
  const { db, clock, log } = deps;
  const leaseMs = opts.leaseMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const buckets = new Map<Channel, Bucket>();
  let running: Promise<unknown> | null = null;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Rates from settings: e-mail counts API requests (a batch is one), SMS and calls count messages. */
  // The bucket holds at most a twentieth of a second's worth (at least one), so no second ever
  // sees more than the configured rate plus that sliver: providers count in sliding seconds.
  // We run 5 % under the configured rate: the provider counts when a request arrives, and our
  // requests leave a little after their token is taken.
  const limits = (channel: Channel, s: StudioSettings) => {
    const rate = (channel === "email" ? s.emailRatePerSecond : s.smsRatePerSecond) * 0.95;
    return { rate, capacity: Math.max(1, Math.floor(rate / 20)) };
  };
  const bucketOf = (channel: Channel, capacity: number, now: Date) => buckets.get(channel) ?? { tokens: capacity, at: now.getTime() };

  /** Whole tokens available now, without taking them. */
  function available(channel: Channel, s: StudioSettings, now: Date): number {
    const { rate, capacity } = limits(channel, s);
    return Math.floor(refill(bucketOf(channel, capacity, now), rate, capacity, now.getTime()).tokens);
  }

  /**
   * Waits for a token right before a provider request, so pacing holds at the moment requests
   * leave, not when work was claimed. Under a frozen test clock it does not wait.
   */
  async function pace(channel: Channel, s: StudioSettings) {
    const { rate, capacity } = limits(channel, s);
    for (;;) {
      const now = clock();
      const got = take(bucketOf(channel, capacity, now), 1, rate, capacity, now.getTime());
      if (got.granted === 1) {
        buckets.set(channel, got.bucket);
        return;
      }
      await Bun.sleep(waitForToken(got.bucket, rate, capacity, now.getTime()));
      if (clock().getTime() === now.getTime()) return;
    }
  }

  /** How long until `channel` may send again, when it has due work but no token. */
  async function throttled(channel: Channel, s: StudioSettings, now: Date, result: TickResult) {
    if (!(await hasDueWork(db, channel, now))) return;
    const { rate, capacity } = limits(channel, s);
    const wait = waitForToken(bucketOf(channel, capacity, now), rate, capacity, now.getTime());
    result.throttledMs = Math.min(result.throttledMs ?? wait, wait);
  }

  /** Addresses suppressed now, re-checked at send time: an unsubscribe wins over a queued send. */
  async function suppressedNow(channel: Channel, addresses: string[]) {
    const rows = await activeSuppressions(db, addresses);
    return new Map<string, string>(rows.filter((r) => r.channel === channel).map((r) => [r.address, r.reason]));
  }

  /**
   * A number's line type (SPEC D10), looked up once and cached: landlines cannot receive SMS.
   * A failed lookup is not a reason to withhold a message, so it counts as unknown.
   */
  async function lineType(phone: string, now: Date) {
    const cached = await db.query.phoneLookups.findFirst({ where: eq(phoneLookups.phone, phone) });
    if (cached) return cached.lineType;
    const found = await providers.lookup.lineType(phone).catch((err) => {
      log("warn", "line type lookup failed", { error: String(err) });
      return null;
    });
    if (found) await db.insert(phoneLookups).values({ phone, lineType: found, lookedUpAt: now }).onConflictDoNothing();
    return found ?? "unknown";
  }

  /** Applies one provider outcome to one delivery. */
  async function settle(d: Delivery, outcome: SendOutcome, provider: string, now: Date, result: TickResult) {
    if (outcome.ok) {
      if (await ackSent(db, d.id, opts.owner, now, provider, outcome.providerId)) result.sent++;
      return;
    }
    const e = outcome.error;
    const message = `${e.status ?? ""} ${e.code ?? ""} ${e.message}`.replace(/\s+/g, " ").trim();
    if (e.code === 21610 && d.toAddress) {
      // The number replied STOP at the carrier: never text it again (SPEC D9).
      await suppress(db, { channel: "sms", address: d.toAddress, customerId: d.customerId, reason: "stop_keyword", source: "twilio error 21610", detail: e.message }, now);
    }
    const decision = retryDecision(e.kind, d.attempts, random(), e.retryAfterMs);
    if (decision.retry) {
      const outcomeUnknown = e.kind === "transient";
      if (await requeue(db, d.id, opts.owner, now, new Date(now.getTime() + decision.delayMs), { error: message, outcomeUnknown })) result.retried++;
    } else if (await failDelivery(db, d.id, opts.owner, now, message, provider)) {
      result.failed++;
    }
    log(decision.retry ? "warn" : "error", "send failed", { delivery: d.id, channel: d.channel, kind: e.kind, error: message, retry: decision.retry });
  }

  /** Holds sends outside the sending window until it opens (SPEC D6); true when it had to wait. */
  async function outsideWindow(d: Delivery, tz: string, s: StudioSettings, now: Date, result: TickResult) {
    // Staff-initiated tests go at once; automated e-mail and every text or call keep the window.
    const automatedOrPhone = d.channel !== "email" || d.sourceType === "notification";
    if (!automatedOrPhone || d.sourceType === "test") return false;
    const opens = nextSendableInstant(now, { start: s.sendWindowStart, end: s.sendWindowEnd }, tz);
    if (opens.getTime() === now.getTime()) return false;
    await requeue(db, d.id, opts.owner, now, opens, { waiting: `waiting for the sending window (${s.sendWindowStart}–${s.sendWindowEnd} ${tz})`, notAnAttempt: true });
    result.waiting++;
    return true;
  }

  async function sendEmails(claimed: Delivery[], s: StudioSettings, now: Date, result: TickResult) {
    const composer = await createComposer(deps, s, now);
    const from = deps.config.emailFrom ?? `${s.senderName || s.name} <${s.senderEmail || "studio@localhost"}>`;

    async function build(batch: Delivery[]) {
      const composed = await composer.emails(batch.filter((d) => d.toAddress));
      return composed.map((e) => {
        const message: EmailMessage = {
          to: e.delivery.toAddress!,
          from,
          replyTo: s.replyTo || undefined,
          subject: e.subject,
          html: e.html,
          text: e.text,
          headers: e.unsubscribeUrl ? { "List-Unsubscribe": `<${e.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {},
          idempotencyKey: e.delivery.deliveryKey,
        };
        return { d: e.delivery, rows: e.rows, message };
      });
    }

    // Batches whose outcome is unknown (their worker died mid-send) go again exactly as they were.
    const groups = new Set(claimed.filter((d) => d.attemptStartedAt && d.attemptGroup).map((d) => d.attemptGroup!));
    for (const group of groups) {
      const members = await emailGroup(db, group);
      const built = await build(members);
      await pace("email", s);
      const outcomes = await providers.email.sendBatch(built.map((b) => b.message));
      for (const [i, b] of built.entries()) {
        const mine = claimed.find((d) => d.id === b.d.id);
        if (mine) await settle(mine, outcomes[i]!, providers.email.name, clock(), result);
      }
    }

    const fresh = claimed.filter((d) => !(d.attemptStartedAt && d.attemptGroup));
    const suppressed = await suppressedNow("email", fresh.map((d) => d.toAddress!).filter(Boolean));
    const sendable: Awaited<ReturnType<typeof build>> = [];
    const built = await build(fresh);
    for (const d of fresh) {
      const b = built.find((x) => x.d.id === d.id);
      const reason = !d.toAddress ? "no_address" : suppressed.get(d.toAddress);
      if (reason) {
        if (await skipClaimed(db, d.id, opts.owner, now, reason)) result.skipped++;
        continue;
      }
      if (!b) {
        if (await failDelivery(db, d.id, opts.owner, now, "its message or notification was deleted before it could be sent")) result.failed++;
        continue;
      }
      if (await outsideWindow(d, b.rows.customer?.timeZone || b.rows.job?.timeZone || s.timeZone, s, now, result)) continue;
      sendable.push(b);
    }
    for (let i = 0; i < sendable.length; i += EMAIL_BATCH) {
      const built = sendable.slice(i, i + EMAIL_BATCH);
      const started = clock();
      const group = `${opts.owner}:${started.getTime()}:${built[0]?.d.id ?? 0}`;
      const held = new Set(await beginEmailGroup(db, built.map((b) => ({ id: b.d.id, subject: b.message.subject })), opts.owner, started, group));
      const go = built.filter((b) => held.has(b.d.id));
      if (!go.length) continue;
      await pace("email", s);
      const outcomes = await providers.email.sendBatch(go.map((b) => b.message));
      const done = clock();
      const sent = go.flatMap((b, j) => {
        const o = outcomes[j]!;
        return o.ok ? [{ id: b.d.id, providerMessageId: o.providerId }] : [];
      });
      result.sent += (await ackSentMany(db, sent, opts.owner, done, providers.email.name)).length;
      for (const [j, b] of go.entries()) if (!outcomes[j]!.ok) await settle(b.d, outcomes[j]!, providers.email.name, done, result);
    }
  }

  async function sendPhone(channel: "sms" | "voice", claimed: Delivery[], s: StudioSettings, now: Date, result: TickResult) {
    const composer = await createComposer(deps, s, now);
    const composed = await composer.texts(claimed);
    const suppressed = await suppressedNow(channel, claimed.map((d) => d.toAddress!).filter(Boolean));
    const from = deps.config.twilio?.from ?? (s.smsFrom || "+15550000000");
    for (const { delivery: d, rows: r, text } of composed) {
      if (stopped) break;
      const at = clock();
      // Unknown outcome: the previous worker may have sent it. Ask before trying again (D4).
      if (d.attemptStartedAt && d.toAddress) {
        const found =
          channel === "sms" ? (d.body ? await providers.sms.findSent(d.toAddress, d.body, d.attemptStartedAt) : null) : await providers.voice.findCall(d.toAddress, d.attemptStartedAt);
        if (found) {
          if (await ackSent(db, d.id, opts.owner, clock(), providers[channel].name, found.id)) result.sent++;
          continue;
        }
      }
      const reason = !d.toAddress ? "no_address" : suppressed.get(d.toAddress);
      if (reason) {
        if (await skipClaimed(db, d.id, opts.owner, at, reason)) result.skipped++;
        continue;
      }
      if (await outsideWindow(d, r.customer?.timeZone || r.job?.timeZone || s.timeZone, s, at, result)) continue;
      if (channel === "sms" && (await lineType(d.toAddress!, at)) === "landline") {
        if (await skipClaimed(db, d.id, opts.owner, at, "landline")) result.skipped++;
        continue;
      }
      if (text === null) {
        if (await failDelivery(db, d.id, opts.owner, at, "its message or notification was deleted before it could be sent")) result.failed++;
        continue;
      }
      await pace(channel, s);
      if (!(await beginAttempt(db, d, opts.owner, clock(), { body: text }))) continue;
      const callback = `${composer.base}/webhooks/twilio/status?d=${d.id}`;
      const outcome =
        channel === "sms"
          ? await providers.sms.send({ to: d.toAddress!, from, body: text, clientRef: d.deliveryKey, statusCallback: callback })
          : await providers.voice.call({ to: d.toAddress!, from, twimlUrl: `${composer.base}/webhooks/twilio/voice?d=${d.id}`, statusCallback: callback, clientRef: d.deliveryKey });
      await settle(d, outcome, providers[channel].name, clock(), result);
    }
  }

  /** One pass: hold overdue work after an outage, then send what is due within each channel's rate. */
  async function tick(): Promise<TickResult> {
    const result: TickResult = { sent: 0, retried: 0, failed: 0, skipped: 0, waiting: 0 };
    const now = clock();
    const s = await getSettings(db);
    const holdMs = s.overdueHoldMinutes * 60_000;
    const last = await db.query.workerState.findFirst({ where: and(eq(workerState.name, "dispatcher"), eq(workerState.key, "last_tick")) });
    if (holdMs > 0 && last && now.getTime() - Number(last.value) > holdMs) {
      const held = await holdOverdue(db, now, holdMs);
      if (held) log("warn", "held overdue deliveries for review after an outage", { held, downMinutes: Math.round((now.getTime() - Number(last.value)) / 60_000) });
    }
    await db
      .insert(workerState)
      .values({ name: "dispatcher", key: "last_tick", value: String(now.getTime()), updatedAt: now })
      .onConflictDoUpdate({ target: [workerState.name, workerState.key], set: { value: String(now.getTime()), updatedAt: now } });

    const leaseUntil = new Date(now.getTime() + leaseMs);
    // E-mail tokens are API requests (a batch of up to 100 is one); SMS and call tokens are messages.
    const requests = Math.min(10, available("email", s, now));
    if (requests > 0) {
      const claimed = await claimDue(db, "email", opts.owner, now, leaseUntil, requests * EMAIL_BATCH);
      if (claimed.length) await sendEmails(claimed, s, now, result);
    } else await throttled("email", s, now, result);
    for (const channel of ["sms", "voice"] as const) {
      const n = Math.min(50, available(channel, s, now));
      if (n === 0) {
        await throttled(channel, s, now, result);
        continue;
      }
      const claimed = await claimDue(db, channel, opts.owner, now, leaseUntil, n);
      if (claimed.length) await sendPhone(channel, claimed, s, now, result);
    }
    return result;
  }

  async function loop() {
    while (!stopped) {
      let busy = false;
      let throttledMs: number | undefined;
      try {
        running = tick();
        const r = (await running) as TickResult;
        busy = r.sent + r.retried + r.failed + r.skipped > 0;
        throttledMs = r.throttledMs;
      } catch (err) {
        log("error", "dispatcher tick failed", { error: String(err), stack: (err as Error).stack });
      } finally {
        running = null;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, throttledMs !== undefined ? Math.max(5, throttledMs) : busy ? 20 : (opts.idleMs ?? 1000));
      });
    }
  }

  /**
   * Sends exactly this one delivery now, if it is queued (a test send a staff member waits for):
   * through the same providers, leases and rate limit as the loop, and nothing else with it.
   */
  async function sendNow(id: number): Promise<TickResult> {
    const result: TickResult = { sent: 0, retried: 0, failed: 0, skipped: 0, waiting: 0 };
    const now = clock();
    const s = await getSettings(db);
    const [claimed] = await claimById(db, id, opts.owner, now, new Date(now.getTime() + leaseMs));
    if (!claimed) return result;
    if (claimed.channel === "email") await sendEmails([claimed], s, now, result);
    else await sendPhone(claimed.channel, [claimed], s, now, result);
    return result;
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
      await releaseLeases(db, opts.owner, clock());
    },
  };
}

