// The HTTP application: one sub-app per resource, mounted here (STYLE §4). Built from
// `deps` so tests run the whole thing on an in-memory database.
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { Deps } from "./deps.ts";
import { csrfProtection } from "./http/csrf.ts";
import type { AppEnv } from "./http/env.ts";
import { MAX_BODY } from "./core/notification-input.ts";
import { onError, tooLarge } from "./http/errors.ts";
import { loadSession, requireStaff } from "./http/session.ts";
import { apiRoutes } from "./routes/api/index.ts";
import { appointmentLinkRoutes } from "./routes/appointment-links.ts";
import { appointmentRoutes } from "./routes/appointments.ts";
import { authRoutes } from "./routes/auth.ts";
import { customerImportRoutes } from "./routes/customer-import.ts";
import { customerLinkRoutes } from "./routes/customer-links.ts";
import { trackingRoutes } from "./routes/tracking.ts";
import { customerRoutes } from "./routes/customers.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { sendingStatusRoutes } from "./routes/sending-status.ts";
import { healthRoutes } from "./routes/health.ts";
import { inboxRoutes } from "./routes/inbox.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { fileRoutes } from "./routes/files.ts";
import { mediaRoutes } from "./routes/media.ts";
import { messageRoutes } from "./routes/messages.ts";
import { outboxRoutes } from "./routes/outbox.ts";
import { profileRoutes } from "./routes/profiles.ts";
import { settingsMessagingRoutes } from "./routes/settings-messaging.ts";
import { settingsSnippetsRoutes } from "./routes/settings-snippets.ts";
import { saveAsTemplateRoutes, templateRoutes } from "./routes/templates.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { helpRoutes } from "./routes/help.ts";
import { staticRoutes } from "./routes/static.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

/** Staff pages and customer links hold personal data: no browser or proxy may keep a copy. */
const noStore: MiddlewareHandler = async function noStore(c, next) {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
};

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use(async function provideDeps(c, next) {
    c.set("deps", deps);
    await next();
  });
  app.use(
    secureHeaders({
      referrerPolicy: "same-origin",
      crossOriginEmbedderPolicy: false,
      // Scripts only from our own /static files: no inline script, no eval (so no hx-on). Inline
      // style attributes stay allowed: e-mails shown in sandboxed previews are styled inline,
      // and a style cannot run code. Images may be remote for the same previews.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "https:", "http:"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      // A page that sets its own (view in browser: stricter still) keeps it.
      overwrite: false,
    }),
  );

  app.route("/", healthRoutes);
  app.route("/static", staticRoutes);
  app.route("/api/v1", apiRoutes);
  app.route("/webhooks", webhookRoutes);
  // Uploaded files by their unguessable stored name: Twilio fetches call audio without a session.
  app.route("/media", mediaRoutes);
  // Customer links carry their own signed token: no staff session, no CSRF (RFC 8058 one-click).
  for (const scope of ["/u/*", "/p/*", "/c/*", "/g/*", "/v/*", "/a/*", "/t/*", "/o/*"]) app.use(scope, noStore);
  app.route("/", customerLinkRoutes);
  app.route("/", trackingRoutes);
  app.route("/", appointmentLinkRoutes);

  // Everything below is the staff UI: sessions and CSRF checks on every state change.
  const ui = new Hono<AppEnv>();
  // Refuse oversized bodies before anything reads them; CSV uploads get more room.
  const uploadLimit = bodyLimit({
    maxSize: 12 * 1024 * 1024,
    onError: tooLarge(
      "That upload is larger than 12 MB, Pigeon's limit for a file. Split the file and import the parts.",
    ),
  });
  // The file manager's uploads: the largest kind (PDF, audio) and the form around it.
  const fileLimit = bodyLimit({
    maxSize: 10 * 1024 * 1024 + 64 * 1024,
    onError: tooLarge(
      "That file is larger than 10 MB, the most Pigeon takes (5 MB for an image), so nothing was stored. Make it smaller and upload it again.",
    ),
  });
  const formLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: tooLarge(
      `That form is larger than 1 MB, Pigeon's limit for a form, so nothing was saved. A message body holds at most ${MAX_BODY.email.toLocaleString("en")} characters.`,
    ),
  });
  // Anyone can post to login and setup: they get only what their fields can hold.
  const authLimit = bodyLimit({
    maxSize: 16 * 1024,
    onError: tooLarge("That form is larger than 16 KB: an e-mail address and a password fit in far less."),
  });
  // A message's compose form carries its call's recording (at most 10 MB) when sent as multipart.
  const recordingLimit = bodyLimit({
    maxSize: 11 * 1024 * 1024,
    onError: tooLarge(
      "That form is larger than 11 MB, so nothing was saved: a call's recording may be at most 10 MB (an MP3 is far smaller than a WAV).",
    ),
  });
  ui.use(function limitBody(c, next) {
    const path = c.req.path;
    const multipart = (c.req.header("Content-Type") ?? "").startsWith("multipart/form-data");
    return (
      path.startsWith("/customers/import")
        ? uploadLimit
        : multipart && /^\/(files(\/pick)?|settings\/logo)$/.test(path)
          ? fileLimit
          : path === "/login" || path === "/setup"
            ? authLimit
            : multipart && /^\/messages(\/\d+|\/form)?$/.test(path)
              ? recordingLimit
              : formLimit
    )(c, next);
  });
  ui.use(loadSession(), csrfProtection(), noStore);
  ui.route("/", authRoutes);
  ui.use(requireStaff());
  ui.route("/", dashboardRoutes);
  ui.route("/", sendingStatusRoutes);
  ui.route("/jobs", jobRoutes);
  ui.route("/customers/import", customerImportRoutes);
  ui.route("/customers", customerRoutes);
  ui.route("/appointments", appointmentRoutes);
  ui.route("/profiles", profileRoutes);
  ui.route("/messages", saveAsTemplateRoutes);
  ui.route("/messages", messageRoutes);
  ui.route("/files", fileRoutes);
  ui.route("/templates", templateRoutes);
  ui.route("/inbox", inboxRoutes);
  ui.route("/outbox", outboxRoutes);
  ui.route("/help", helpRoutes);
  ui.route("/settings/messaging", settingsMessagingRoutes);
  ui.route("/settings/snippets", settingsSnippetsRoutes);
  ui.route("/settings", settingsRoutes);
  app.route("/", ui);

  app.notFound((c) =>
    c.req.path.startsWith("/api/")
      ? c.json({ error: { message: "No such endpoint.", fields: {} } }, 404)
      : c.text("Not found", 404),
  );
  return app;
}
