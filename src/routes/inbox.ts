// The inbox (SPEC A4): conversations, one conversation's thread and the reply box, archive, the
// media of MMS replies, the alerts for customers' cancellations, and the live updates (SSE) of the
// list and of an open conversation. A reply is a one-time message to that one customer through
// the same code path as the Messages page (validation, placeholders, then the outbox with its
// consent, opt-out and sending-window rules) — never a direct provider call.
import { missingImagesIn } from "../db/files.ts";
import { desc } from "drizzle-orm";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { ConversationList, ConversationPage, InboxPage, ShownUpto, Thread } from "../../views/inbox.tsx";
import { type ConversationKey, conversationHref, INLINE_IMAGES, type ReplyForm } from "../core/inbox.ts";
import { studioCountry } from "../core/country.ts";
import { smsSaveCheck } from "../core/sms-text.ts";
import { messageInput } from "../core/message-input.ts";
import { type FieldErrors, fieldErrors } from "../core/validation.ts";
import { markAlertsSeen } from "../db/appointment-changes.ts";
import { audit } from "../db/audit.ts";
import {
  alertRows,
  archiveConversation,
  conversationThread,
  conversationWho,
  getMedia,
  inboxVersion,
  listConversations,
  markConversationRead,
  ofConversation,
  threadVersion,
  unarchiveConversation,
  unreadCount,
} from "../db/inbox.ts";
import { activateMessage, createMessage, getMessageByExternalId } from "../db/messages.ts";
import { loadSnippets } from "../db/recipient-rows.ts";
import { inboundMessages } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { isPartial } from "../http/env.ts";
import { pathIdNumber } from "../http/path-id.ts";
import { draftOfInput, emptyValueProblems, oneCustomerMissing } from "./message-values.ts";
import { requiredByChannel } from "../core/message-values.ts";

/** How often a live view looks for news, and for how long one connection lasts (the browser reconnects). */
const SSE_INTERVAL_MS = 1000;
const SSE_MAX_POLLS = 1800;

/**
 * A live view over SSE: from the version the page showed (`shown`), every SSE_INTERVAL_MS it asks
 * the database's `version` and, when it moved, sends `render()`. It writes a comment at once, so
 * the response's headers (and the browser's "connected") arrive now, not with the first news; and a
 * comment every few seconds of silence, since servers and proxies close a connection idle for long
 * (Bun.serve after 10 s) and EventSource ignores comments. The browser reconnects after SSE_MAX_POLLS.
 */
export function liveView(c: Ctx, shown: string, version: () => Promise<string>, render: () => Promise<string>) {
  let last = shown;
  return streamSSE(c, async (stream) => {
    await stream.write(": connected\n\n");
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    for (let i = 0; i < SSE_MAX_POLLS && open; i++) {
      const v = await version();
      if (v !== last) {
        last = v;
        await stream.writeSSE({ data: await render() });
      } else if (i % 5 === 4) await stream.write(": keep-alive\n\n");
      await stream.sleep(SSE_INTERVAL_MS);
    }
  });
}

/** The navigation's count of unread replies; `oob` replaces the one in the navigation from a live update. */
function unreadBadge(n: number, oob = false): string {
  const badge = n ? `<span class="badge no" title="Unread replies">${n > 999 ? "999+" : n}</span>` : "";
  return oob ? `<span id="inbox-unread" hx-swap-oob="innerHTML">${badge}</span>` : badge;
}

const listQuery = z.object({
  archived: z.enum(["1", ""], { error: "must be 1 or left out" }).optional(),
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/, "must be a page number from 1")
    .transform(Number)
    .optional(),
  v: z.string().max(100).optional(),
});

function parseList(c: Ctx) {
  const q = listQuery.safeParse(c.req.query());
  if (!q.success) {
    const [field, problem] = Object.entries(fieldErrors(q.error))[0]!;
    throw new HTTPException(400, { message: `The inbox address is not valid: ${field} ${problem}.` });
  }
  return { archived: q.data.archived === "1", page: q.data.page ?? 1, v: q.data.v };
}

/** The conversation a path names: an existing customer, or a number that wrote to us. 404 otherwise. */
async function conversationOf(
  c: Ctx,
): Promise<{ key: ConversationKey; who: NonNullable<Awaited<ReturnType<typeof conversationWho>>> }> {
  const db = c.get("deps").db;
  const idText = c.req.param("id");
  const from = c.req.param("from");
  let key: ConversationKey | null = null;
  if (idText !== undefined) {
    const id = pathIdNumber(idText);
    if (id) key = { customerId: id };
  } else if (from !== undefined && from.length <= 254) key = { from };
  const who = key ? await conversationWho(db, key) : null;
  if (key && who && "from" in key) {
    const [any] = await db.select({ id: inboundMessages.id }).from(inboundMessages).where(ofConversation(key)).limit(1);
    if (!any) key = null;
  }
  if (!key || !who) throw new HTTPException(404, { message: "There is no such conversation." });
  return { key, who };
}

async function renderConversation(
  c: Ctx,
  conv: Awaited<ReturnType<typeof conversationOf>>,
  reply: ReplyForm = { values: {}, errors: {} },
  flash: { kind: "ok" | "bad" | "info"; text: string } | null = null,
  status: 200 | 400 | 422 = 200,
) {
  const { db } = c.get("deps");
  const [version, items, settings, lastReply] = await Promise.all([
    threadVersion(db, conv.key),
    conversationThread(db, conv.key),
    getSettings(db),
    db.select().from(inboundMessages).where(ofConversation(conv.key)).orderBy(desc(inboundMessages.id)).limit(1),
  ]);
  const channels = replyChannels(conv);
  // Answered the way they wrote: SMS when they texted.
  const lastChannel = lastReply[0]?.channel;
  const preferred = lastChannel === "email" && channels.includes("email") ? "email" : channels[0];
  // A fresh one-time token per shown form; a form shown again with its problems keeps its token,
  // so it stays the same answer however often it is sent.
  const values: Record<string, string> = { channel: preferred ?? "sms", ...reply.values };
  if (!ANSWER_TOKEN.test(values.answer_token ?? "")) values.answer_token = crypto.randomUUID();
  const replies = items.filter((i) => i.kind === "reply");
  return c.html(
    ConversationPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      conv: conv.key,
      name: conv.who.name,
      nowCustomer: conv.who.nowCustomer,
      phone: conv.who.phone,
      email: conv.who.email,
      items,
      // Only replies waiting for staff are "new"; one Pigeon handled itself (C, X, STOP) is not.
      unread: replies.some((r) => r.kind === "reply" && !r.reply.readAt && r.reply.handledAs === "inbox"),
      archived: replies.length > 0 && replies.every((r) => r.kind === "reply" && r.reply.archivedAt),
      reply: { values, errors: reply.errors },
      channels: channels.length ? channels : ["sms"],
      timeZone: settings.timeZone,
      version,
      flash,
    }),
    status,
  );
}

/** How staff can answer: by SMS to a number, by e-mail to an address the customer has. */
function replyChannels(conv: Awaited<ReturnType<typeof conversationOf>>): ("sms" | "email")[] {
  const out: ("sms" | "email")[] = [];
  if (conv.who.phone) out.push("sms");
  if (conv.who.email) out.push("email");
  return out;
}

/**
 * The answer form's one-time token: made when the form is shown, it becomes the message's
 * external id, so the same form sent twice (a double click, a retried POST) makes one message.
 */
const ANSWER_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const answerExternalId = (token: string) => `inbox-answer:${token}`;

/**
 * The newest reply id the page showed (`upto`, in the form or, for the thread's own read trigger,
 * the address): Archive, Mark read and an answer's mark-read act on replies up to it only, so one
 * that arrived after the page was shown is never archived or read unseen.
 */
async function shownUpto(c: Ctx): Promise<number> {
  const body = await c.req.parseBody();
  const raw = typeof body.upto === "string" ? body.upto : c.req.query("upto");
  if (raw === undefined || !/^\d{1,15}$/.test(raw))
    throw new HTTPException(400, {
      message:
        "This button did not say which replies the page showed (an old or copied page?), so nothing was changed. Reload the conversation and try again.",
    });
  return Number(raw);
}

/** The alert ids a Seen form posts, and where to go back to (this site's inbox or dashboard only). */
const seenForm = z.object({
  id: z.preprocess(
    (v) => (Array.isArray(v) ? v : [v]),
    z
      .array(
        z
          .string()
          .regex(/^[1-9]\d{0,15}$/, "must name an alert")
          .transform(Number),
      )
      .min(1, "must name an alert"),
  ),
  back: z.enum(["/", "/inbox"]).catch("/inbox"),
});

const conversationRoutes = (prefix: string) =>
  new Hono<AppEnv>()
    .get(`${prefix}`, async (c) => {
      const conv = await conversationOf(c);
      const sent = c.req.query("sent");
      return renderConversation(
        c,
        conv,
        undefined,
        sent === "1"
          ? {
              kind: "ok",
              text: "Your answer is in the outbox: it goes out within seconds, inside the sending window, unless the customer opted out (the thread then says why).",
            }
          : sent === "again"
            ? { kind: "info", text: "This answer was already sent (the form was sent twice): it goes out once." }
            : c.req.query("done") === "unarchived"
              ? { kind: "ok", text: "Back in the inbox." }
              : null,
      );
    })
    .get(`${prefix}/events`, async (c) => {
      const conv = await conversationOf(c);
      const { db } = c.get("deps");
      const tz = (await getSettings(db)).timeZone;
      const href = conversationHref(conv.key);
      // From the version the page showed, so a reply that came before this connection is not missed.
      const shown = c.req.query("v");
      const from = shown && shown.length <= 100 ? shown : await threadVersion(db, conv.key);
      return liveView(
        c,
        from,
        () => threadVersion(db, conv.key),
        async () => {
          const items = await conversationThread(db, conv.key);
          const html = await Thread({ items, timeZone: tz, href, autoRead: false });
          // The page's buttons follow what it now shows: Archive, Mark read and an answer then
          // include the reply that just arrived (ShownUpto replaces their `upto` out of band).
          const upto = await ShownUpto({ items });
          return `${html}${upto}${unreadBadge(await unreadCount(db), true)}`;
        },
      );
    })
    .post(`${prefix}/read`, async (c) => {
      const conv = await conversationOf(c);
      const upto = await shownUpto(c);
      await markConversationRead(c.get("deps").db, conv.key, c.get("deps").clock(), upto);
      return isPartial(c) ? c.body(null, 204) : c.redirect(conversationHref(conv.key), 303);
    })
    .post(`${prefix}/archive`, async (c) => {
      const conv = await conversationOf(c);
      const { db, clock } = c.get("deps");
      const upto = await shownUpto(c);
      const n = await archiveConversation(db, conv.key, clock(), upto);
      await audit(
        db,
        { userId: c.get("user")!.id },
        "archived",
        "conversation",
        "customerId" in conv.key ? conv.key.customerId : null,
        {
          replies: n,
        },
      );
      return c.redirect("/inbox?done=archived", 303);
    })
    .post(`${prefix}/unarchive`, async (c) => {
      const conv = await conversationOf(c);
      await unarchiveConversation(c.get("deps").db, conv.key);
      return c.redirect(`${conversationHref(conv.key)}?done=unarchived`, 303);
    })
    .post(`${prefix}/reply`, async (c) => {
      const conv = await conversationOf(c);
      const { db, clock } = c.get("deps");
      const form = await c.req.parseBody();
      // Only what the page showed is marked read; a form without it (an old page) marks nothing
      // read rather than refuse the answer: a reply left unread is the safe side.
      const upto = typeof form.upto === "string" && /^\d{1,15}$/.test(form.upto) ? Number(form.upto) : 0;
      const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
      const token = text("answer_token");
      const values = { channel: text("channel"), subject: text("subject"), body: text("body"), answer_token: token };
      const channels = replyChannels(conv);
      const bad = (errors: FieldErrors) => renderConversation(c, conv, { values, errors }, null, 422);
      const href = conversationHref(conv.key);
      if (!ANSWER_TOKEN.test(token))
        return renderConversation(
          c,
          conv,
          {
            values: { ...values, answer_token: "" },
            errors: {
              _: "This answer form came without its one-time token (an old or copied page?), so nothing was sent. Your text is below: press Send again.",
            },
          },
          null,
          400,
        );
      // The same form sent again: answered as the first time, and nothing new is written.
      const sentAgain = () => c.redirect(`${href}?sent=again`, 303);
      if (await getMessageByExternalId(db, answerExternalId(token))) return sentAgain();
      if (!(channels as string[]).includes(values.channel))
        return bad({
          channels:
            channels.length === 0
              ? "this customer has neither a phone number nor an e-mail address to answer to"
              : `choose ${channels.map((ch) => (ch === "sms" ? "SMS" : "e-mail")).join(" or ")}`,
        });
      const settings = await getSettings(db);
      const snippetKeys = Object.keys(await loadSnippets(db));
      // A number that wrote before it became a customer's is answered as that customer: their
      // consent, opt-outs and suppression apply (a typed-in address would pass them by).
      const toCustomer = "customerId" in conv.key ? conv.key.customerId : (conv.who.nowCustomer?.id ?? null);
      const name = `Reply to ${conv.who.nowCustomer?.name ?? conv.who.name ?? conv.who.phone ?? "a reply"}`.slice(
        0,
        200,
      );
      // The answer form has one text field; an SMS answer is the message's SMS text (issue 12), an
      // e-mail answer its body. The check's words come back beside that one field.
      const sms = values.channel === "sms";
      const parsed = messageInput(
        snippetKeys,
        studioCountry(settings),
        smsSaveCheck(settings, c.get("deps").config.publicUrl),
      ).safeParse({
        name,
        channels: [values.channel],
        subject: values.channel === "email" ? values.subject : "",
        [sms ? "sms_body" : "body"]: values.body,
        filters: toCustomer !== null ? { customer_ids: [toCustomer] } : {},
        to_address: toCustomer !== null || "customerId" in conv.key ? "" : conv.key.from,
      });
      const onForm = (errors: FieldErrors): FieldErrors =>
        Object.fromEntries(Object.entries(errors).map(([k, m]) => [k === "sms_body" ? "body" : k, m]));
      if (!parsed.success) return bad(onForm(fieldErrors(parsed.error)));
      const missingImages =
        values.channel === "email"
          ? await missingImagesIn(db, parsed.data.body ?? "", settings.publicUrl || c.get("deps").config.publicUrl)
          : null;
      if (missingImages) return bad({ body: missingImages });
      const channel = values.channel as "sms" | "email";
      const answerText = {
        channels: [channel],
        subject: parsed.data.subject ?? "",
        preheader: "",
        body: parsed.data.body ?? "",
        smsBody: parsed.data.sms_body ?? "",
        voiceScript: "",
      };
      // An answer goes to one person, not to an appointment: the composer's advice (choose
      // appointments under Recipients) makes no sense here.
      const appointmentKey = (requiredByChannel(answerText)[channel] ?? []).find((k) => k.startsWith("appointment."));
      if (appointmentKey)
        return bad({
          [channel === "email" && answerText.subject.includes(appointmentKey) ? "subject" : "body"]:
            `{{${appointmentKey}}} has no value: an answer is not about one appointment. Write the date and time out instead`,
        });
      const empty = await emptyValueProblems(db, draftOfInput(parsed.data));
      if (Object.keys(empty).length) return bad(onForm(empty));
      // Checked now for the one customer, so an answer is never accepted and then skipped.
      if (toCustomer !== null) {
        const missing = await oneCustomerMissing(db, toCustomer, answerText, channel);
        if (missing)
          return bad({
            [channel === "email" && answerText.subject.includes(missing) ? "subject" : "body"]:
              `{{${missing}}} has no value for ${conv.who.nowCustomer?.name ?? conv.who.name}, so the answer would not reach them. Write it out, or give it a fallback like {{${missing} | "…"}}`,
          });
      }
      const now = clock();
      const userId = c.get("user")!.id;
      // Written and armed together, so an answer is never left behind as a draft nobody sends.
      let m;
      try {
        m = await db.transaction(async (tx) => {
          const created = await createMessage(tx, parsed.data, userId, now, answerExternalId(token));
          const armed = await activateMessage(tx, created.id, userId, now);
          await audit(tx, { userId }, "created", "message", created.id, { reply_to: href });
          await markConversationRead(tx, conv.key, now, upto);
          return armed!;
        });
      } catch (e) {
        // Two at once: the other one wrote this token first (messages_external_id_unique).
        if (await getMessageByExternalId(db, answerExternalId(token))) return sentAgain();
        throw e;
      }
      c.get("deps").log("info", "inbox reply", { message: m.id, channel: values.channel });
      return c.redirect(`${href}?sent=1`, 303);
    });

export const inboxRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = parseList(c);
    const [list, alerts, settings, version] = await Promise.all([
      listConversations(db, { archived: q.archived, page: q.page }),
      q.archived ? Promise.resolve({ rows: [], total: 0 }) : alertRows(db),
      getSettings(db),
      inboxVersion(db),
    ]);
    const done = c.req.query("done");
    return c.html(
      InboxPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        ...list,
        page: q.page,
        archived: q.archived,
        alerts,
        timeZone: settings.timeZone,
        version,
        flash:
          done === "archived"
            ? { kind: "ok", text: "Archived: the conversation left the inbox and stays in the customer's history." }
            : done === "seen"
              ? { kind: "ok", text: "Marked seen." }
              : null,
      }),
    );
  })
  .get("/unread", async (c) => {
    return c.html(unreadBadge(await unreadCount(c.get("deps").db)));
  })
  // The live list: the page's version (`v`) is where it starts, so a reply that came between the
  // page and this connection is sent at once rather than missed.
  .get("/events", async (c) => {
    const { db } = c.get("deps");
    const q = parseList(c);
    const tz = (await getSettings(db)).timeZone;
    return liveView(
      c,
      q.v ?? (await inboxVersion(db)),
      () => inboxVersion(db),
      async () => {
        const list = await listConversations(db, { archived: q.archived, page: q.page });
        // The list, and out of band the navigation's unread count.
        const html = await ConversationList({ ...list, page: q.page, archived: q.archived, timeZone: tz });
        return `${html}${unreadBadge(await unreadCount(db), true)}`;
      },
    );
  })
  .post("/alerts/seen", async (c) => {
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody({ all: true });
    const parsed = seenForm.safeParse(body);
    if (!parsed.success)
      throw new HTTPException(422, { message: "That Seen button named no alert; nothing was changed." });
    await markAlertsSeen(db, parsed.data.id, clock());
    return c.redirect(parsed.data.back === "/" ? "/" : "/inbox?done=seen", 303);
  })
  .get("/media/:id", async (c) => {
    const id = pathIdNumber(c.req.param("id"));
    const media = id ? await getMedia(c.get("deps").db, id) : null;
    if (!media) throw new HTTPException(404, { message: "There is no such picture or file." });
    if (!media.content)
      throw new HTTPException(404, {
        message: `This ${media.contentType} came with a reply but could not be kept: ${media.error ?? "unknown error"}.`,
      });
    const inline = INLINE_IMAGES.has(media.contentType);
    const ext =
      media.contentType
        .split("/")[1]
        ?.replace(/[^a-z0-9]/g, "")
        .slice(0, 10) || "bin";
    c.header("X-Content-Type-Options", "nosniff");
    // Whatever a customer sent is only ever shown as a picture or saved, never run as a page.
    c.header("Content-Security-Policy", "default-src 'none'; sandbox");
    c.header("Content-Type", inline ? media.contentType : "application/octet-stream");
    c.header("Content-Disposition", `${inline ? "inline" : "attachment"}; filename="reply-media-${media.id}.${ext}"`);
    c.header("Cache-Control", "private, no-store");
    return c.body(new Uint8Array(media.content));
  })
  .route("/", conversationRoutes("/customer/:id"))
  .route("/", conversationRoutes("/from/:from"));
