// The route audit (issue 10): walks every route the app registers and proves each is guarded by
// what its class requires. Staff pages need a session, staff state changes need the CSRF token,
// the owner's settings need the owner, the API needs a live key, customer links a valid signed
// token, webhooks their provider's signature. Only the routes listed in PUBLIC are open. A route
// nobody classified is checked as a staff route, so one added later without protection fails
// here; one added beside the webhooks, static files or customer links fails as unclassified.
// Path parameters are filled with ids that exist, so a missing check cannot hide behind a 404.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { createHmac } from "node:crypto";
import { confirmationSubject, linkExpiresAt, signLinkToken } from "../src/core/link-tokens.ts";
import { createApiKey, createUser } from "../src/db/auth.ts";
import { loadDemoData } from "../src/db/demo.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { storeFile } from "../src/db/files.ts";
import { tinyWav } from "./support/sample-files.ts";
import { duplicateProfile, listNotifications } from "../src/db/profiles.ts";
import {
  albums,
  appointments,
  customers,
  inboundMedia,
  inboundMessages,
  notifications,
  orders,
  registrations,
  snippets,
  templates,
  trackedLinks,
} from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { revokeApiKey } from "../src/db/staff.ts";
import { fakeWebhookSecret } from "./fakes/fake-resend.ts";
import { type Browser, makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { holdAfterOutage, ten } from "./support/held-work.ts";

type RouteClass = "public" | "webhook" | "customer-link" | "api" | "owner" | "staff";

/** The only routes anyone may call without a session, key, token or signature — and why. */
const PUBLIC: Record<string, string> = {
  "GET /healthz": "liveness for the load balancer; says nothing about the studio",
  "GET /static/:name": "our CSS, JS and logo",
  "GET /setup": "first run only: refuses once an owner exists",
  "POST /setup": "first run only, CSRF-checked on the pre-session token",
  "GET /login": "the way in",
  "POST /login": "the way in, CSRF-checked on the pre-session token",
  "POST /logout": "ends only the caller's own session, CSRF-checked",
  "GET /media/:name": "uploads by their unguessable stored name: Twilio fetches a call's recording without a session",
};
/** Provider webhooks: each request proves itself with the provider's signature. */
const WEBHOOKS = [
  "POST /webhooks/resend",
  "POST /webhooks/twilio/status",
  "POST /webhooks/twilio/inbound",
  "POST /webhooks/twilio/voice",
];
/** Customer links and the purpose their signed token must carry. */
type LinkKind = "unsubscribe" | "preferences" | "gallery" | "view" | "confirm" | "appointment" | "track" | "open";
const CUSTOMER_LINKS: Record<string, LinkKind> = {
  "GET /u/:token": "unsubscribe",
  "POST /u/:token": "unsubscribe",
  "GET /p/:token": "preferences",
  "POST /p/:token": "preferences",
  "GET /g/:token": "gallery",
  "GET /v/:token": "view",
  "GET /c/:token": "confirm",
  "POST /c/:token": "confirm",
  "GET /a/:token": "appointment",
  "POST /a/:token": "appointment",
  "GET /t/:token": "track",
  "GET /o/:token": "open",
};
/** Middleware mounts (`ALL <scope>/*`) Hono lists beside the routes: the guards and body limits themselves. */
const MIDDLEWARE_SCOPES = new Set([
  "/*",
  "/api/v1/*",
  "/webhooks/*",
  "/settings/*",
  "/settings/messaging/*",
  "/settings/snippets/*",
  "/u/*",
  "/p/*",
  "/c/*",
  "/g/*",
  "/v/*",
  "/a/*",
  "/t/*",
  "/o/*",
]);
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The class a route belongs to, or why it cannot be classified. */
function classify(key: string): RouteClass | { unclassified: string } {
  const path = key.slice(key.indexOf(" ") + 1);
  if (key in PUBLIC) return "public";
  if (WEBHOOKS.includes(key)) return "webhook";
  if (key in CUSTOMER_LINKS) return "customer-link";
  if (path.startsWith("/webhooks/"))
    return { unclassified: "a webhook route not in WEBHOOKS: which signature does it check?" };
  if (path.startsWith("/static/")) return { unclassified: "a static route not in PUBLIC" };
  if (/^\/[a-z]\/:/.test(path))
    return {
      unclassified: "looks like a customer link but is not in CUSTOMER_LINKS: which token purpose does it need?",
    };
  if (path.startsWith("/api/")) return "api";
  if (path === "/settings" || path.startsWith("/settings/")) return "owner";
  return "staff";
}

const WEBHOOK_ENV = {
  PUBLIC_URL: "https://pigeon.test",
  RESEND_API_KEY: "re_audit_key",
  RESEND_BASE_URL: "http://127.0.0.1:9",
  EMAIL_FROM: "Brightside <hello@brightside.test>",
  RESEND_WEBHOOK_SECRET: fakeWebhookSecret(),
  TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "b".repeat(32),
  TWILIO_FROM: "+15550009999",
  TWILIO_BASE_URL: "http://127.0.0.1:9",
};

/** What a page must never show to someone who is not let in: the studio's customers and jobs. */
const PRIVATE_MARKERS = ["anna@x.test", "Anna", "Lincoln Elementary", "Retake day"];

let t: TestApp;
let owner: Browser;
let staff: Browser;
let apiKey: string;
let revokedKey: string;
let ids: Record<string, number | string>;
let tokens: Record<string, string>;
let routes: { key: string; method: string; path: string; cls: RouteClass }[];
const audited: Record<RouteClass, number> = { public: 0, webhook: 0, "customer-link": 0, api: 0, owner: 0, staff: 0 };

beforeAll(async () => {
  t = await makeTestApp({ now: ten, env: WEBHOOK_ENV });
  owner = await signedInOwner(t);
  const demo = await loadDemoData(t.db, ten);
  if (!demo.loaded) throw new Error(demo.reason);
  const held = await holdAfterOutage(t);
  const anna = held.notified[0]!;
  const [album] = await t.db.select().from(albums).limit(1);
  // The studio's own copy of a built-in profile: built-in ones refuse every edit with a 403 of their own.
  const [builtin] = await t.db.select().from(notifications).limit(1);
  const profile = (await duplicateProfile(t.db, builtin!.profileId, ten))!;
  const [notification] = await listNotifications(t.db, profile.id);
  const [registration] = await t.db.select().from(registrations).limit(1);
  const [order] = await t.db.select().from(orders).limit(1);
  const [appointment] = await t.db.select().from(appointments).limit(1);
  const sam = await createUser(t.db, {
    email: "sam@sunny.test",
    name: "Sam Staff",
    password: "another horse battery",
    role: "staff",
  });
  const live = await createApiKey(t.db, "audit", null);
  const revoked = await createApiKey(t.db, "revoked", null);
  await revokeApiKey(t.db, revoked.row.id, ten);
  apiKey = live.key;
  revokedKey = revoked.key;
  await databaseDevOutboxStore(t.db).record({
    id: "dev_audit1",
    channel: "email",
    to: "anna@x.test",
    from: "studio@x.test",
    subject: "Hi",
    body: "Hi Anna",
    ref: String(anna.id),
    status: "delivered",
    createdAt: ten,
  });
  // A text from a number Pigeon does not know, with a picture: the inbox's routes name both.
  const [reply] = await t.db
    .insert(inboundMessages)
    .values({
      channel: "sms",
      fromAddress: "+15550009999",
      body: "Hello?",
      providerMessageId: "SMaudit",
      receivedAt: ten,
    })
    .returning();
  const [media] = await t.db
    .insert(inboundMedia)
    .values({ inboundMessageId: reply!.id, contentType: "image/png", sizeBytes: 1, content: Buffer.from([1]) })
    .returning();
  ids = {
    media: media!.id,
    job: album!.jobId,
    album: album!.id,
    customer: anna.customerId!,
    profile: notification!.profileId,
    notification: notification!.id,
    message: held.message.id,
    delivery: anna.id,
    staff: sam.id,
    apiKey: live.row.id,
    registration: registration!.id,
    order: order!.id,
    appointment: appointment!.id,
    devEntry: "dev_audit1",
    snippet: (
      await t.db
        .insert(snippets)
        .values({ key: "hours", title: "Hours", body: "Mon-Fri 9-5", createdAt: ten, updatedAt: ten })
        .returning()
    )[0]!.id,
    template: (
      await t.db
        .insert(templates)
        .values({ name: "Ours", channel: "email", subject: "Hi", body: "Hello", createdAt: ten, updatedAt: ten })
        .returning()
    )[0]!.id,
    file: (await storeFile(t.db, { bytes: tinyWav(), originalName: "a.wav", kind: "wav", userId: null }, ten)).id,
  };
  const secret = await linkSigningSecret(t.db, t.deps.config.secretKey, ten);
  const sign = (purpose: LinkKind, subjectId?: number) =>
    signLinkToken(secret, { purpose, customerId: anna.customerId!, subjectId, expiresAt: linkExpiresAt(purpose, ten) });
  // A confirmation link names the phone it was texted to: Anna gets one.
  const [annaRow] = await t.db
    .update(customers)
    .set({ phone: "+15551230777" })
    .where(eq(customers.id, anna.customerId!))
    .returning();
  const [annasAppointment] = await t.db
    .insert(appointments)
    .values({ customerId: anna.customerId!, startsAt: new Date(ten.getTime() + 86_400_000), location: "Studio A" })
    .returning();
  tokens = {
    unsubscribe: sign("unsubscribe", anna.id),
    preferences: sign("preferences"),
    gallery: sign("gallery", held.job.id),
    view: sign("view", anna.id),
    confirm: sign("confirm", confirmationSubject(annaRow!.phone!, ["sms"])),
    appointment: sign("appointment", annasAppointment!.id),
    track: signLinkToken(secret, {
      purpose: "track",
      customerId: anna.customerId!,
      subjectId: anna.id,
      linkId: (await t.db.insert(trackedLinks).values({ url: "https://shop.example/" }).returning())[0]!.id,
    }),
    open: sign("open", anna.id),
  };

  staff = t.browser();
  await staff.get("/login");
  const login = await staff.post("/login", { email: "sam@sunny.test", password: "another horse battery" });
  if (login.status !== 303) throw new Error(`staff login failed: ${login.status}`);
  await staff.get("/");

  const seen = new Set<string>();
  const unclassified: string[] = [];
  const unknownMiddleware: string[] = [];
  routes = [];
  for (const r of t.app.routes) {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.method === "ALL" && r.path.endsWith("*")) {
      if (!MIDDLEWARE_SCOPES.has(r.path)) unknownMiddleware.push(key);
      continue;
    }
    const cls = classify(key);
    if (typeof cls === "object") unclassified.push(`${key}: ${cls.unclassified}`);
    else routes.push({ key, method: r.method, path: r.path, cls });
  }
  expect(unclassified).toEqual([]);
  expect(unknownMiddleware).toEqual([]);
});

/** The path with every parameter filled by a real id (or token, or name) of the seeded studio. */
function fill(route: { key: string; path: string }): string {
  return route.path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string, _re, offset: number) => {
    const before = route.path.slice(0, offset).split("/").filter(Boolean).at(-1);
    const byName: Record<string, number | string | undefined> = {
      albumId: ids.album,
      nid: ids.notification,
      action: "release",
      entryId: ids.devEntry,
      name: "app.css",
      from: "+15550009999",
      token: tokens[CUSTOMER_LINKS[route.key] ?? ""],
    };
    const byCollection: Record<string, number | string | undefined> = {
      jobs: ids.job,
      albums: ids.album,
      customers: ids.customer,
      profiles: ids.profile,
      messages: ids.message,
      outbox: ids.delivery,
      deliveries: ids.delivery,
      staff: ids.staff,
      "api-keys": ids.apiKey,
      registrations: ids.registration,
      orders: ids.order,
      appointments: ids.appointment,
      files: ids.file,
      customer: ids.customer,
      media: ids.media,
      snippets: ids.snippet,
      templates: ids.template,
    };
    const value = name === "id" ? byCollection[before ?? ""] : byName[name];
    if (value === undefined)
      throw new Error(`no plausible value for :${name} in ${route.key}: add one to the route audit`);
    return encodeURIComponent(String(value));
  });
}

/**
 * Everything the studio has stored, as one string: equal before and after a class means nothing
 * changed. The search index's own tables are left out: they only mirror `customers`.
 */
async function snapshot(): Promise<string> {
  const tables = await t.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'customers_fts%' order by name`,
  );
  const parts: string[] = [];
  for (const { name } of tables) parts.push(name, JSON.stringify(await t.db.all(sql.raw(`select * from "${name}"`))));
  return Bun.hash(parts.join("\n")).toString();
}

/**
 * Rows written so far. The app has one database connection, and SQLite counts every row any
 * statement on it inserts, updates or deletes (triggers included), so an unchanged count after
 * a refused request means it wrote nothing at all — cheaper than a snapshot per request.
 */
async function rowsWritten(): Promise<number> {
  const [row] = await t.db.all<{ n: number }>(sql`select total_changes() as n`);
  return Number(row!.n);
}

const FORM = { name: "Changed by the audit", email: "audit@x.test", status: "archived", confirm: "yes", expected: "5" };
const of = (cls: RouteClass) => routes.filter((r) => r.cls === cls);
const showsPrivateData = (text: string) => PRIVATE_MARKERS.some((m) => text.includes(m));

type Route = (typeof routes)[number];
type Check = (r: Route, url: string) => Promise<string | undefined>;

/**
 * Sends each route of the class what must be refused (`refused` names what got through) and
 * checks that nothing was written; then, with the right credentials, that the same URL reaches a
 * real page (`reachable`), so the refusals met the route itself and not a 404. Failures are
 * collected so one run names every unprotected route.
 */
async function audit(cls: RouteClass, refused: Check, reachable?: Check) {
  const failures: string[] = [];
  const stored = await snapshot();
  for (const r of of(cls)) {
    const before = await rowsWritten();
    const problem = await refused(r, fill(r));
    if (problem) failures.push(`${r.key}: ${problem}`);
    else if ((await rowsWritten()) !== before) failures.push(`${r.key}: a refused request wrote to the database`);
  }
  expect(failures).toEqual([]);
  expect(await snapshot()).toBe(stored);
  for (const r of reachable ? of(cls) : []) {
    const problem = await reachable!(r, fill(r));
    if (problem) failures.push(`${r.key}: ${problem}: the audit's values do not reach this route`);
  }
  expect(failures).toEqual([]);
  audited[cls] = of(cls).length;
}

/** The status of a GET as this client; the body is dropped unread (a stream would never end). */
async function statusOf(client: Browser | null, url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = client
    ? await client.request(url, { headers })
    : await t.app.request(`http://localhost${url}`, { headers });
  await res.body?.cancel();
  return res.status;
}

const CSRF_FAULTS = [
  ["no CSRF token", null, undefined],
  ["a wrong CSRF token", "forged-token-0123456789abcdef0123", undefined],
  ["the right token from another site's page", undefined, "https://evil.example"],
] as const;

describe("route audit", () => {
  test("staff pages and actions: no session → the login page; no or wrong CSRF token → 403; nothing written", async () => {
    expect(of("staff").length).toBeGreaterThan(50);
    const anonymous = t.browser();
    await anonymous.get("/login"); // holds a valid pre-session CSRF token, so only the session is missing
    await audit(
      "staff",
      async (r, url) => {
        const res = SAFE.has(r.method) ? await anonymous.get(url) : await anonymous.post(url, FORM);
        const location = res.headers.get("Location") ?? "";
        if (!(res.status === 401 || ([302, 303].includes(res.status) && location.startsWith("/login"))))
          return `without a session answered ${res.status} ${location}`;
        if (showsPrivateData(res.text)) return "without a session showed the studio's data";
        if (SAFE.has(r.method)) return undefined;
        for (const [how, csrf, origin] of CSRF_FAULTS) {
          const res = await owner.post(url, FORM, { csrf, origin });
          if (res.status !== 403) return `signed in but with ${how} answered ${res.status}`;
        }
        return undefined;
      },
      async (r, url) => {
        if (!SAFE.has(r.method)) return undefined;
        const status = await statusOf(owner, url);
        return status >= 500 || [401, 403, 404].includes(status) ? `the signed-in owner got ${status}` : undefined;
      },
    );
  });

  test("the owner's settings: staff who are not the owner → 403; no session → the login page; no CSRF token → 403; nothing written", async () => {
    expect(of("owner").length).toBeGreaterThan(5);
    const anonymous = t.browser();
    await anonymous.get("/login");
    await audit(
      "owner",
      async (r, url) => {
        const res = SAFE.has(r.method) ? await staff.get(url) : await staff.post(url, FORM);
        if (res.status !== 403) return `a staff member (not the owner) got ${res.status}`;
        const anon = SAFE.has(r.method) ? await anonymous.get(url) : await anonymous.post(url, FORM);
        if (![302, 303].includes(anon.status) || !anon.headers.get("Location")?.startsWith("/login"))
          return `without a session answered ${anon.status}`;
        if (SAFE.has(r.method)) return undefined;
        for (const [how, csrf, origin] of CSRF_FAULTS) {
          const res = await owner.post(url, FORM, { csrf, origin });
          if (res.status !== 403) return `the owner with ${how} got ${res.status}`;
        }
        return undefined;
      },
      async (r, url) => {
        if (!SAFE.has(r.method)) return undefined;
        const status = await statusOf(owner, url);
        return status === 200 ? undefined : `the owner got ${status}`;
      },
    );
  });

  test("API routes: no key, a wrong key or a revoked key → 401; nothing written", async () => {
    expect(of("api").length).toBeGreaterThan(30);
    await audit(
      "api",
      async (r, url) => {
        const body = SAFE.has(r.method)
          ? undefined
          : JSON.stringify({
              name: "Changed by the audit",
              external_id: "audit-1",
              first_name: "Audit",
              email: "audit@x.test",
            });
        for (const [how, auth] of [
          ["no key", undefined],
          ["a wrong key", "Bearer pk_wrong_0123456789abcdef"],
          ["a revoked key", `Bearer ${revokedKey}`],
          ["the live key without Bearer", apiKey],
        ] as const) {
          const headers: Record<string, string> = { "Content-Type": "application/json" };
          if (auth) headers.Authorization = auth;
          const res = await t.app.request(`http://localhost${url}`, { method: r.method, headers, body });
          if (res.status !== 401) return `with ${how} answered ${res.status}`;
          if (showsPrivateData(await res.text())) return `with ${how} showed the studio's data`;
        }
        return undefined;
      },
      async (r, url) => {
        if (!SAFE.has(r.method)) return undefined;
        const status = await statusOf(null, url, { Authorization: `Bearer ${apiKey}` });
        return status === 200 ? undefined : `with the live key got ${status}`;
      },
    );
  });

  test("customer links: a missing, damaged, forged or other-purpose token → 4xx showing nothing of the customer's; nothing written", async () => {
    const otherKey = "another studio's secret, 32 characters or more";
    await audit(
      "customer-link",
      async (r, url) => {
        const purpose = CUSTOMER_LINKS[r.key]!;
        const valid = tokens[purpose]!;
        const signature = valid.split(".")[1];
        const otherCustomer = signLinkToken(otherKey, { purpose, customerId: (ids.customer as number) + 1 }).split(
          ".",
        )[0];
        const base = url.slice(0, url.lastIndexOf("/") + 1);
        for (const [how, token] of [
          ["no token", "-"],
          ["a garbage token", "not-a-token"],
          ["a damaged signature", valid.slice(0, -1) + (valid.endsWith("A") ? "B" : "A")],
          ["another customer's payload under this signature", `${otherCustomer}.${signature}`],
          ["a token for another purpose", purpose === "preferences" ? tokens.unsubscribe! : tokens.preferences!],
          ["a token signed with another key", signLinkToken(otherKey, { purpose, customerId: ids.customer as number })],
        ] as const) {
          const body =
            r.method === "POST"
              ? new URLSearchParams({ email: "on", sms: "on", voice: "on", "List-Unsubscribe": "One-Click" })
              : undefined;
          const res = await t.app.request(`http://localhost${base}${token}`, { method: r.method, body });
          const text = await res.text();
          if (res.status < 400 || res.status >= 500) return `with ${how} answered ${res.status}`;
          if (text.includes("anna@x.test") || text.includes("Anna")) return `with ${how} showed the customer's details`;
        }
        return undefined;
      },
      async (r, url) => {
        if (!SAFE.has(r.method)) return undefined;
        const status = await statusOf(null, url);
        return [200, 302].includes(status) ? undefined : `with a valid token got ${status}`;
      },
    );
  });

  test("webhooks: a missing or wrong provider signature → 403; nothing written", async () => {
    await audit("webhook", async (r, url) => {
      // The URL Twilio would call for a real delivery; the signature is what is wrong.
      const target = `https://pigeon.test${url}?d=${ids.delivery}`;
      const attempts: [string, RequestInit][] = [];
      if (url === "/webhooks/resend") {
        const body = JSON.stringify({
          type: "email.bounced",
          created_at: new Date().toISOString(),
          data: { email_id: "audit", bounce: { type: "Permanent" } },
        });
        const id = "msg_audit";
        const timestamp = String(Math.floor(Date.now() / 1000));
        const wrong = createHmac("sha256", Buffer.from(fakeWebhookSecret().slice("whsec_".length), "base64"))
          .update(`${id}.${timestamp}.${body}`)
          .digest("base64");
        attempts.push(["no signature", { body, headers: { "content-type": "application/json" } }]);
        attempts.push([
          "a signature by another secret",
          {
            body,
            headers: {
              "content-type": "application/json",
              "svix-id": id,
              "svix-timestamp": timestamp,
              "svix-signature": `v1,${wrong}`,
            },
          },
        ]);
      } else {
        const params = {
          MessageSid: "SM1",
          MessageStatus: "failed",
          CallSid: "CA1",
          CallStatus: "failed",
          From: "+15550001111",
          To: "+15550009999",
          Body: "STOP",
          Digits: "9",
        };
        const wrong = createHmac("sha1", "c".repeat(32))
          .update(
            target +
              Object.keys(params)
                .sort()
                .map((k) => k + params[k as keyof typeof params])
                .join(""),
          )
          .digest("base64");
        const body = new URLSearchParams(params).toString();
        attempts.push(["no signature", { body, headers: { "content-type": "application/x-www-form-urlencoded" } }]);
        attempts.push([
          "a signature by another auth token",
          { body, headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": wrong } },
        ]);
      }
      for (const [how, init] of attempts) {
        const res = await t.app.request(target, { method: r.method, ...init });
        if (res.status !== 403) return `with ${how} answered ${res.status}`;
      }
      return undefined;
    });
  });

  test("public routes: only those listed, and their state changes still need the CSRF token", async () => {
    await audit("public", async (r, url) => {
      if (SAFE.has(r.method)) {
        const status = await statusOf(t.browser(), url);
        return status >= 500 ? `answered ${status}` : undefined;
      }
      const res = await t.browser().request(url, {
        method: r.method,
        body: new URLSearchParams(FORM),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
      });
      return res.status === 403 ? undefined : `without a CSRF token answered ${res.status}`;
    });
  });
});

afterAll(() => {
  const total = Object.values(audited).reduce((a, b) => a + b, 0);
  console.log(
    `route audit: ${total} of ${routes.length} routes passed — ${Object.entries(audited)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
});
