// What a delivery says: the subject and body of its source (a notification, a one-time
// message, or a test), rendered once per source version and personalised per recipient.
import { eq } from "drizzle-orm";
import { sha256Hex } from "../core/crypto.ts";
import type { Language } from "../core/i18n/translate.ts";
import { formatPhone } from "../core/phone.ts";
import { compileTemplate, type CompiledTemplate } from "../core/placeholders.ts";
import type { Db } from "../db/client.ts";
import type { Delivery } from "../db/outbox.ts";
import { type ContentFile, type ContentOwner, contentFilesOf, filesByIds } from "../db/content-files.ts";
import { mediaImagesIn } from "../core/email-images.ts";
import { fileInfo, imageWidths, isImage, mediaUrl } from "../db/files.ts";
import { messages, notifications, type StudioSettings } from "../db/schema.ts";
import { type EmailVariant, renderEmailVariant } from "../email/render.ts";

/**
 * `audio`: a call that plays a recording instead of reading its text (SPEC A2): the recording's
 * name as staff uploaded it and its file, null when that file was deleted since.
 */
export type SourceText = {
  version: string;
  subject: string;
  body: string;
  /** An e-mail's preview line as staff typed it; empty: the renderer takes the body's first line. */
  preheader?: string;
  marketing: boolean;
  audio?: { name: string; fileId: number | null };
  /** E-mail attachments (e-mail) or MMS pictures (SMS) the source sends, in order (SPEC T5). */
  files?: ContentFile[];
};

/**
 * The studio as its e-mails' header and footer show it. The phone is written in international
 * form (+49 30 1234567): a customer may read it anywhere, and the stored E.164 is hard to read.
 * `logoUrl`: the logo's absolute address (emailLook finds it), shown in the header instead of the name.
 */
export function studioBranding(s: StudioSettings, logoUrl: string | null = null) {
  return {
    name: s.name,
    postalAddress: s.postalAddress,
    phone: formatPhone(s.phone, ""),
    website: s.website,
    brandColor: s.brandColor,
    logoUrl,
  };
}

/**
 * What rendering an e-mail needs of the studio's files (issue 12): the branding with the logo's
 * absolute address, and for `body`'s uploaded images the public base and their widths. `base`:
 * the studio's public URL (Settings, else PUBLIC_URL), as links in messages use it.
 */
export async function emailLook(db: Db, s: StudioSettings, base: string, body: string) {
  const [logo, widths] = await Promise.all([
    s.logoFileId ? fileInfo(db, s.logoFileId) : undefined,
    imageWidths(db, mediaImagesIn(body, base)),
  ]);
  return {
    studio: studioBranding(s, logo && isImage(logo) ? mediaUrl(base, logo.storedName) : null),
    media: { base, widths },
  };
}

/** The raw subject and body templates of a delivery's source, or null if the source is gone. */
export async function sourceText(db: Db, d: Delivery): Promise<SourceText | null> {
  if (d.sourceType === "notification" && d.notificationId) {
    const n = await db.query.notifications.findFirst({ where: eq(notifications.id, d.notificationId) });
    if (!n) return null;
    return {
      version: `n${n.id}@${n.updatedAt.getTime()}`,
      subject: n.subject,
      body: n.body,
      preheader: n.preheader,
      marketing: !n.trigger.startsWith("appointment_"),
      files: await channelFiles(db, { notificationId: n.id }, d.channel),
    };
  }
  if (d.sourceType === "message" && d.messageId) {
    const m = await db.query.messages.findFirst({ where: eq(messages.id, d.messageId) });
    if (!m) return null;
    // Each channel its own text (issue 12): the e-mail its Markdown body, the SMS its plain text,
    // the call its script (or its recording). Messages saved before each channel had its own text
    // had it copied in by migration 0022, so none falls back to another channel's.
    const body = d.channel === "sms" ? m.smsBody : d.channel === "voice" ? m.voiceScript : m.body;
    const audio =
      d.channel === "voice" && m.voiceAudioName ? { name: m.voiceAudioName, fileId: m.voiceFileId } : undefined;
    return {
      version: `m${m.id}@${m.updatedAt.getTime()}:${d.channel}`,
      subject: m.subject,
      body,
      preheader: d.channel === "email" ? m.preheader : "",
      marketing: true,
      ...(audio && { audio }),
      files: await channelFiles(db, { messageId: m.id }, d.channel),
    };
  }
  // Test sends carry their own text; the same text is one variant, rendered once. A staff test
  // goes to an address, not a customer, so it is no marketing: nobody to unsubscribe.
  const subject = d.subject ?? "";
  const body = d.body ?? "";
  const marketing = d.customerId !== null;
  // Its files ride on the delivery (no message row holds them), and go as a real send's do.
  const files = d.channel === "voice" ? [] : await filesByIds(db, d.testFiles ?? []);
  const preheader = d.testPreheader ?? "";
  return {
    version: `t:${sha256Hex(`${subject}\u0000${preheader}\u0000${body}`)}:${marketing ? "m" : "s"}`,
    subject,
    body,
    preheader,
    marketing,
    files,
  };
}

/** The files a delivery on `channel` carries: attachments for an e-mail, pictures for an SMS, none for a call. */
async function channelFiles(db: Db, owner: ContentOwner, channel: Delivery["channel"]): Promise<ContentFile[]> {
  if (channel === "voice") return [];
  const f = await contentFilesOf(db, owner);
  return channel === "email" ? f.attachments : f.mms;
}

/**
 * Render-once caches (SPEC T6), one per composer (a dispatcher tick); keyed by source version,
 * so an edit re-renders. The source rows are read once per batch too, not once per delivery.
 */
export function contentCache(db: Db, studio: () => StudioSettings, base: string) {
  const emails = new Map<string, Promise<EmailVariant>>();
  const texts = new Map<string, CompiledTemplate>();
  const sources = new Map<string, Promise<SourceText | null>>();
  return {
    /** `sourceText`, read once per notification or message (and channel) in this cache's life. */
    source(d: Delivery): Promise<SourceText | null> {
      if (d.sourceType === "test") return sourceText(db, d);
      const key = `${d.sourceType}:${d.notificationId ?? d.messageId}:${d.channel}`;
      let found = sources.get(key);
      if (!found) {
        found = sourceText(db, d);
        sources.set(key, found);
      }
      return found;
    },
    /**
     * `personalLinks` is false for mail without a customer behind it: there is no one to
     * unsubscribe. A service message (not marketing) offers preferences, not a marketing unsubscribe.
     * The footer speaks the recipient's language, so each language is a variant of its own.
     */
    email(src: SourceText, personalLinks: boolean, lang: Language): Promise<EmailVariant> {
      const key = `${src.version}:${lang}${personalLinks ? "" : ":anonymous"}`;
      let v = emails.get(key);
      if (!v) {
        const s = studio();
        v = emailLook(db, s, base, src.body).then((look) =>
          renderEmailVariant({
            subject: src.subject,
            body: src.body,
            preheader: src.preheader ?? "",
            format: "markdown",
            ...look,
            personalLinks,
            service: !src.marketing,
            lang,
          }),
        );
        v.catch(() => emails.delete(key));
        emails.set(key, v);
      }
      return v;
    },
    text(src: SourceText): CompiledTemplate {
      let t = texts.get(src.version);
      if (!t) {
        t = compileTemplate(src.body);
        texts.set(src.version, t);
      }
      return t;
    },
  };
}
