// Staff pages for the outbox (SPEC A4, D1, D6, D7): every delivery with live filters, one delivery
// with its timeline and the message as sent, the dev outbox, and the release or cancel of held
// deliveries, one at a time or all a filtered list shows.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { DeliveryPage } from "../../views/delivery-page.tsx";
import { DevOutboxEntryPage } from "../../views/dev-outbox-message.tsx";
import { DevOutboxPage } from "../../views/dev-outbox.tsx";
import { type HeldFilters, OUTBOX_FOLDERS, type OutboxQuery } from "../core/outbox-query.ts";
import { HeldConfirmPage, OutboxPage, OutboxResults } from "../../views/outbox.tsx";
import { withParams } from "../../views/pager.tsx";
import { fieldErrors, stripControl } from "../core/validation.ts";
import { REPLY_HANDLED_LABELS } from "../core/labels.ts";
import { databaseDevOutboxStore } from "../db/dev-outbox-store.ts";
import { receiveSmsReply } from "./sms-replies.ts";
import { randomBytes } from "node:crypto";
import { getCustomer } from "../db/customers.ts";
import { cancelHeld, countHeld, type HeldSelection, releaseHeld } from "../db/held-deliveries.ts";
import { jobChoices } from "../db/jobs.ts";
import { getMessage } from "../db/messages.ts";
import { getDeliveryDetail, getDevOutboxEntry, listDevOutbox, listOutbox, parseDevCursor } from "../db/outbox-list.ts";
import { CHANNELS, type Channel, DELIVERY_STATUSES } from "../core/vocabulary.ts";
import { getSettings } from "../db/settings.ts";
import { studioCountry } from "../core/country.ts";
import { renderDeliveryEmail } from "../dispatch/compose.ts";
import { type AppEnv, type Ctx, isPartial } from "../http/env.ts";
import { idParam } from "../http/path-id.ts";

/** Twilio delivers at most 1,600 characters of an incoming text. */
const SMS_REPLY_MAX = 1600;

/** The dev outbox entry a path names, or 404. */
async function devEntry(c: Ctx) {
  const entryId = c.req.param("entryId") ?? "";
  const row = /^[\w-]{1,100}$/.test(entryId) ? await getDevOutboxEntry(c.get("deps").db, entryId) : null;
  if (!row) throw new HTTPException(404, { message: "The dev outbox has no such message." });
  return row;
}

/** A dev outbox entry's page, with the simulate-a-reply box where a reply can be simulated. */
async function devEntryPage(
  c: Ctx,
  row: Awaited<ReturnType<typeof devEntry>>,
  extra: Pick<Parameters<typeof DevOutboxEntryPage>[0], "flash" | "reply">,
  status: 200 | 422 = 200,
) {
  const { timeZone } = await getSettings(c.get("deps").db);
  const page = { user: c.get("user")!, csrf: c.get("csrfToken"), ...row, timeZone, ...extra };
  return c.html(DevOutboxEntryPage({ ...page, canReply: canSimulateReply(c, row.entry.channel) }), status);
}

/** A reply can be simulated to a text only while texts go to the dev outbox (no Twilio configured). */
const canSimulateReply = (c: Ctx, channel: string) => channel === "sms" && c.get("deps").providers.sms.name === "dev";

/** What a simulated reply did, as the page after it says. */
function replyNotice(handledAs: string | undefined) {
  if (!handledAs) return null;
  // Only the labels' own words: "constructor" or "__proto__" in the address name nothing.
  const text = Object.hasOwn(REPLY_HANDLED_LABELS, handledAs) ? REPLY_HANDLED_LABELS[handledAs] : undefined;
  return text
    ? { kind: "ok" as const, text: `Reply received. ${handledAs === "inbox" ? "It is in the Inbox." : `${text}.`}` }
    : null;
}

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const optionalId = id.optional().catch(undefined);
const SOURCES = ["notification", "message", "test"] as const;

const listQuery = z.object({
  folder: z.enum(OUTBOX_FOLDERS).optional().catch(undefined),
  appointment: optionalId,
  status: z.enum(DELIVERY_STATUSES).optional().catch(undefined),
  channel: z.enum(CHANNELS).optional().catch(undefined),
  source: z.enum(SOURCES).optional().catch(undefined),
  job: optionalId,
  message: optionalId,
  customer: optionalId,
  before: optionalId,
});

// A bulk action's filters are read strictly: one ignored as nonsense would widen what it touches.
const blank = (v: unknown) => (v === "" ? undefined : v);
const heldFilters = z.object({
  channel: z.preprocess(blank, z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }).optional()),
  source: z.preprocess(blank, z.enum(SOURCES, { error: `must be one of ${SOURCES.join(", ")}` }).optional()),
  job: z.preprocess(blank, id.optional()),
  message: z.preprocess(blank, id.optional()),
  customer: z.preprocess(blank, id.optional()),
});
const expected = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const bulkAction = z.enum(["release", "cancel"]);

function parseHeldFilters(input: Record<string, unknown>): HeldFilters {
  const parsed = heldFilters.safeParse(input);
  if (!parsed.success) {
    const problems = Object.entries(fieldErrors(parsed.error)).map(([k, v]) => `${k} ${v}`);
    throw new HTTPException(422, {
      message: `These filters are not valid (${problems.join("; ")}); nothing was changed.`,
    });
  }
  return parsed.data;
}

const selection = (f: HeldFilters): HeldSelection => ({
  channel: f.channel as Channel | undefined,
  source: f.source as HeldSelection["source"],
  jobId: f.job,
  messageId: f.message,
  customerId: f.customer,
});

const actorOf = (c: Ctx) => ({ userId: c.get("user")!.id, name: c.get("user")!.name });
const plural = (n: number) => `${n.toLocaleString("en-US")} held ${n === 1 ? "delivery" : "deliveries"}`;

/** The list's note after a bulk action (`released=N`, `cancelled=N`). */
function listFlash(c: Ctx) {
  const released = optionalId.parse(c.req.query("released"));
  const cancelled = optionalId.parse(c.req.query("cancelled"));
  if (released)
    return { kind: "ok" as const, text: `Released ${plural(released)}: queued again, going out from now, staggered.` };
  if (cancelled) return { kind: "ok" as const, text: `Cancelled ${plural(cancelled)}: they will not be sent.` };
  return null;
}

async function deliveryPage(
  c: Ctx,
  deliveryId: number,
  flash: { kind: "ok" | "bad" | "info"; text: string } | null = null,
  status: 200 | 409 = 200,
) {
  const deps = c.get("deps");
  const detail = await getDeliveryDetail(deps.db, deliveryId);
  if (!detail) throw new HTTPException(404, { message: "There is no such delivery." });
  const d = detail.delivery;
  // With a real provider (or before sending) the dev outbox has no copy: compose it again to show it.
  let preview: { subject: string; html: string; text: string } | null = null;
  if (!detail.devCopy && d.channel === "email" && d.status !== "skipped") {
    try {
      preview = await renderDeliveryEmail(deps, d, { tracked: false });
    } catch (err) {
      deps.log("warn", "could not compose a delivery preview", { delivery: d.id, error: String(err) });
    }
  }
  const messagePaused =
    d.status === "held" && d.messageId ? (await getMessage(deps.db, d.messageId))?.status === "paused" : false;
  const settings = await getSettings(deps.db);
  const { timeZone } = settings;
  return c.html(
    DeliveryPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      detail,
      preview,
      messagePaused,
      flash,
      now: c.get("deps").clock(),
      timeZone,
      country: studioCountry(settings),
    }),
    status,
  );
}

/** Releases or cancels one held delivery; one that moved on meanwhile is left alone, and the page says so. */
async function decideOne(c: Ctx, action: "release" | "cancel") {
  const { db, clock } = c.get("deps");
  const deliveryId = idParam.safeParse(c.req.param("id"));
  if (!deliveryId.success) throw new HTTPException(404, { message: "There is no such delivery." });
  const sel = { ids: [deliveryId.data] };
  const done =
    action === "release"
      ? await releaseHeld(db, sel, actorOf(c), clock(), await stagger(c))
      : await cancelHeld(db, sel, actorOf(c), clock());
  const past = action === "release" ? "released" : "cancelled";
  if (done.length) return c.redirect(`/outbox/${deliveryId.data}?done=${past}`, 303);
  const detail = await getDeliveryDetail(db, deliveryId.data);
  if (!detail) throw new HTTPException(404, { message: "There is no such delivery." });
  const now = detail.delivery.status;
  return deliveryPage(
    c,
    deliveryId.data,
    {
      kind: "bad",
      text: `This delivery is no longer held (it is ${now} now), so it was not ${past}. Nothing was changed.`,
    },
    409,
  );
}

async function stagger(c: Ctx) {
  const s = await getSettings(c.get("deps").db);
  return { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds };
}

export const outboxRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = listQuery.parse(c.req.query());
    const { rows, nextBefore } = await listOutbox(db, {
      folder: q.folder,
      appointmentId: q.appointment,
      status: q.status,
      channel: q.channel,
      source: q.source,
      jobId: q.job,
      messageId: q.message,
      customerId: q.customer,
      before: q.before,
    });
    const query: OutboxQuery = q;
    // The bulk actions act on the held filters only (no folder or appointment): offered only when
    // the list shows exactly what they would touch.
    const bulk = q.status === "held" && !q.folder && !q.appointment;
    const held = bulk ? await countHeld(db, selection(q)) : null;
    const settings = await getSettings(db);
    const { timeZone } = settings;
    const country = studioCountry(settings);
    if (isPartial(c)) return c.html(OutboxResults({ rows, nextBefore, query, held, timeZone, country }));
    const [jobs, customer] = await Promise.all([
      jobChoices(db, [q.job]),
      q.customer ? getCustomer(db, q.customer) : undefined,
    ]);
    const customerName = customer ? `${customer.firstName} ${customer.lastName}`.trim() : null;
    return c.html(
      OutboxPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        rows,
        nextBefore,
        query,
        jobs,
        customerName,
        held,
        flash: listFlash(c),
        timeZone,
        country,
      }),
    );
  })
  // Bulk release or cancel: a confirmation page stating the count, then the POST it carries.
  .get("/held/:action", async (c) => {
    const action = bulkAction.safeParse(c.req.param("action"));
    if (!action.success)
      throw new HTTPException(404, { message: "Held deliveries can be released or cancelled, nothing else." });
    const filters = parseHeldFilters(c.req.query());
    const held = await countHeld(c.get("deps").db, selection(filters));
    return c.html(
      HeldConfirmPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        action: action.data,
        filters,
        held,
        stagger: await stagger(c),
      }),
    );
  })
  .post("/held/:action", async (c) => {
    const { db, clock } = c.get("deps");
    const action = bulkAction.safeParse(c.req.param("action"));
    if (!action.success)
      throw new HTTPException(404, { message: "Held deliveries can be released or cancelled, nothing else." });
    const body = await c.req.parseBody();
    const filters = parseHeldFilters(body);
    const sel = selection(filters);
    const confirmed = expected.safeParse(body.expected);
    if (!confirmed.success)
      throw new HTTPException(422, {
        message: "Confirm how many deliveries this is about first, on the confirmation page; nothing was changed.",
      });
    const [held, s] = await Promise.all([countHeld(db, sel), stagger(c)]);
    // The count changed since the confirmation (released, cancelled, resumed or newly held): confirm again.
    const confirmAgain = (text: string) =>
      c.html(
        HeldConfirmPage({
          user: c.get("user")!,
          csrf: c.get("csrfToken"),
          action: action.data,
          filters,
          held,
          stagger: s,
          flash: { kind: "bad", text },
        }),
        409,
      );
    if (held.total === 0)
      return confirmAgain(
        "No held deliveries match any more: they were released, cancelled or resumed meanwhile. Nothing was changed.",
      );
    if (held.total !== confirmed.data) {
      return confirmAgain(
        `You confirmed ${plural(confirmed.data)}, but ${held.total.toLocaleString("en-US")} match now. Nothing was changed: check the number and confirm again.`,
      );
    }
    const done =
      action.data === "release"
        ? await releaseHeld(db, sel, actorOf(c), clock(), s)
        : await cancelHeld(db, sel, actorOf(c), clock());
    const word = action.data === "release" ? "released" : "cancelled";
    return c.redirect(withParams("/outbox", { status: "held", ...filters, [word]: done.length }), 303);
  })
  .get("/dev", async (c) => {
    const { db, providers } = c.get("deps");
    const channel = z
      .enum(CHANNELS)
      .optional()
      .catch(undefined)
      .parse(c.req.query("channel") || undefined);
    const before = parseDevCursor(c.req.query("before"));
    const { rows, nextBefore } = await listDevOutbox(db, { channel, before });
    const devChannels = CHANNELS.filter((ch) => providers[ch].name === "dev") as Channel[];
    const { timeZone } = await getSettings(db);
    return c.html(
      DevOutboxPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        rows,
        nextBefore,
        channel,
        before: c.req.query("before"),
        devChannels,
        timeZone,
      }),
    );
  })
  .get("/dev/:entryId", async (c) => {
    const row = await devEntry(c);
    return devEntryPage(c, row, { flash: replyNotice(c.req.query("replied")) });
  })
  // "Simulate a reply" (dev mode only): the customer's answer to a text the dev outbox kept, handled
  // by the very code a signed Twilio webhook runs, so a new studio can try C, X, STOP or a question
  // without a phone or an account. The studio's answer, if any, lands in the dev outbox as an SMS.
  .post("/dev/:entryId/reply", async (c) => {
    const deps = c.get("deps");
    const row = await devEntry(c);
    if (!canSimulateReply(c, row.entry.channel))
      throw new HTTPException(409, {
        message:
          row.entry.channel === "sms"
            ? "Replies come from Twilio while Twilio sends the texts; this one cannot be simulated."
            : "Only a text message can be answered.",
      });
    const form = await c.req.parseBody();
    const typed = typeof form.body === "string" ? form.body : "";
    const body = stripControl(typed).trim();
    const problem = !body
      ? "Write the customer's reply, e.g. C, X, STOP or a question."
      : body.length > SMS_REPLY_MAX
        ? `A reply is at most ${SMS_REPLY_MAX} characters (this one has ${body.length}).`
        : null;
    if (problem) return devEntryPage(c, row, { reply: { value: typed, error: problem } }, 422);
    const outcome = await receiveSmsReply(deps, {
      from: row.entry.toAddress,
      to: row.entry.fromAddress,
      body,
      sid: `SMdev${randomBytes(16).toString("hex")}`,
      media: [],
    });
    if (outcome?.text) {
      // What Twilio would have texted back from the TwiML answer.
      await databaseDevOutboxStore(deps.db).record({
        id: `dev_${randomBytes(12).toString("hex")}`,
        channel: "sms",
        to: row.entry.toAddress,
        from: row.entry.fromAddress,
        body: outcome.text,
        ref: `reply:${outcome.id}`,
        status: "delivered",
        createdAt: deps.clock(),
      });
    }
    return c.redirect(withParams(`/outbox/dev/${row.entry.id}`, { replied: outcome?.handledAs ?? "inbox" }), 303);
  })
  .get("/:id", async (c) => {
    const deliveryId = idParam.safeParse(c.req.param("id"));
    if (!deliveryId.success) throw new HTTPException(404, { message: "There is no such delivery." });
    const done = c.req.query("done");
    const flash =
      done === "released"
        ? { kind: "ok" as const, text: "Released: it is queued again and goes out now (inside the sending window)." }
        : done === "cancelled"
          ? { kind: "ok" as const, text: "Cancelled: it will not be sent." }
          : null;
    return deliveryPage(c, deliveryId.data, flash);
  })
  .post("/:id/release", (c) => decideOne(c, "release"))
  .post("/:id/cancel", (c) => decideOne(c, "cancel"));
