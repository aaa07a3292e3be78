// Who a one-time message reaches (SPEC O3, I3): the filter object as forms and the API send it,
// the customers each filter selects, and the live count per channel, which must say exactly
// what the outbox will do: decideRecipients over loadCandidates of the same customers.
import { beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { messageDecisionPages } from "../src/automation/one-time.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import {
  describeFilters,
  hasAppointmentFilter,
  type MessageFilters,
  messageJob,
  parseMessageFilters,
} from "../src/core/message-filters.ts";
import { messageValueProblems, requiredByChannel } from "../src/core/message-values.ts";
import { type Decision, decideRecipients, SKIP_REASONS, type SkipReason } from "../src/core/recipients.ts";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import {
  type AudienceNeeds,
  audienceCustomerIds,
  audienceSize,
  audienceSummary,
  type ChannelSummary,
  excludedCustomers,
} from "../src/db/message-audience.ts";
import { loadSnippets } from "../src/db/recipient-rows.ts";
import { getSettings } from "../src/db/settings.ts";
import { sharedValues } from "../src/dispatch/recipient-values.ts";
import { loadCandidates } from "../src/db/outbox.ts";
import { planStart, writeStartPage } from "../src/db/audience-start.ts";
import {
  albums,
  appointments,
  customers,
  deliveries,
  messages,
  jobs,
  orders,
  phoneLookups,
  registrations,
  suppressions,
} from "../src/db/schema.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import type { Database } from "../src/db/client.ts";

const NOW = new Date("2026-09-01T10:00:00Z");
const DAY = 86_400_000;
const CHANNELS: Channel[] = ["email", "sms", "voice"];

const parse = (input: unknown) => {
  const r = parseMessageFilters(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.filters;
};

describe("messageFilters", () => {
  test("accepts every key, ids and years as numbers or numeric strings, one value as a list", () => {
    expect(
      parse({
        job_ids: ["3", 4],
        job_statuses: "selling",
        years: ["2026", 2025],
        album_ids: [" 7 "],
        job_types: ["school", "sports"],
        audience: "potential_buyers",
        condition: "with_photos",
        appointment_ids: "12",
        appointment_statuses: ["confirmed"],
        appointment_from: "2026-09-01",
        appointment_to: "2026-09-30",
        customer_ids: [1, "2"],
      }),
    ).toEqual({
      job_ids: [3, 4],
      job_statuses: ["selling"],
      years: [2026, 2025],
      album_ids: [7],
      job_types: ["school", "sports"],
      audience: "potential_buyers",
      condition: "with_photos",
      appointment_ids: [12],
      appointment_statuses: ["confirmed"],
      appointment_from: "2026-09-01",
      appointment_to: "2026-09-30",
      customer_ids: [1, 2],
    });
  });

  test("blank fields and empty lists mean the filter is not given", () => {
    expect(parse({ job_ids: [], years: ["", " "], audience: "", appointment_from: "" })).toEqual({});
    expect(parse(undefined)).toEqual({});
    expect(parse(null)).toEqual({});
  });

  test("bad values are reported by field path under filters", () => {
    const r = parseMessageFilters({
      job_ids: [1, "abc", -2],
      years: [2026, "20x6", 1800],
      job_statuses: ["selling", "sold"],
      job_types: "school",
      audience: "everyone",
      condition: "sometimes",
      appointment_statuses: ["missed"],
      appointment_from: "2026-02-30",
      appointment_to: "14.09.2026",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      "filters.job_ids.1": "must be an id (a whole number)",
      "filters.job_ids.2": "must be a positive id",
      "filters.years.1": "must be a year like 2026",
      "filters.years.2": "must be a year like 2026",
      "filters.job_statuses.1": "must be one of planning, selling, archived",
      "filters.audience": "must be one of all, potential_buyers, buyers",
      "filters.condition": "must be one of any, with_photos, without_photos",
      "filters.appointment_statuses.0": "must be one of scheduled, confirmed, cancelled, reschedule_requested",
      "filters.appointment_from": "is not a real calendar date",
      "filters.appointment_to": "must be a date like 2026-09-14",
    });
  });

  test("a date range that ends before it starts is refused at its end", () => {
    expect(parseMessageFilters({ appointment_from: "2026-09-10", appointment_to: "2026-09-09" })).toEqual({
      ok: false,
      errors: { "filters.appointment_to": "must not be before the first day" },
    });
  });

  test("a misspelt key is refused rather than ignored, which would widen the audience", () => {
    expect(parseMessageFilters({ job_id: 3, years: [2026] })).toEqual({
      ok: false,
      errors: { "filters.job_id": "is not a recipient filter" },
    });
    expect(parseMessageFilters("selling")).toEqual({ ok: false, errors: { filters: "must be an object of filters" } });
  });
});

describe("describeFilters", () => {
  const names = { jobs: { 1: "Lincoln Elementary", 2: "Oak Park Soccer" }, albums: { 5: "Class 3B", 6: "Class 4A" } };
  test.each<[string, MessageFilters, string]>([
    ["nothing", {}, "All customers"],
    ["audience all is no filter", { audience: "all", condition: "any" }, "All customers"],
    [
      "the example",
      { job_ids: [1], album_ids: [5], audience: "potential_buyers", condition: "with_photos" },
      "Potential buyers of Lincoln Elementary (Class 3B) with photos available",
    ],
    ["two jobs, buyers", { job_ids: [1, 2], audience: "buyers" }, "Buyers of Lincoln Elementary or Oak Park Soccer"],
    [
      "unknown names fall back to ids",
      { job_ids: [9], album_ids: [5, 8] },
      "Customers of job #9 (Class 3B or album #8)",
    ],
    [
      "status, type and year",
      { job_statuses: ["selling"], job_types: ["school", "kindergarten"], years: [2026] },
      "Customers of selling school or kindergarten jobs from 2026",
    ],
    [
      "years only, without photos",
      { years: [2025, 2026], condition: "without_photos" },
      "Customers of jobs from 2025 or 2026 without photos available",
    ],
    [
      "a job narrowed by status",
      { job_ids: [1], job_statuses: ["selling"] },
      "Customers of Lincoln Elementary, if it is a selling job",
    ],
    ["an album alone", { album_ids: [6] }, "Customers of Class 4A"],
    ["potential buyers of any job", { audience: "potential_buyers" }, "Potential buyers of any job"],
    [
      "appointments in a range",
      {
        appointment_statuses: ["confirmed", "scheduled"],
        appointment_from: "2026-09-01",
        appointment_to: "2026-09-30",
      },
      "Customers with a confirmed or scheduled appointment between 2026-09-01 and 2026-09-30",
    ],
    [
      "appointments on one day",
      { appointment_from: "2026-09-14", appointment_to: "2026-09-14" },
      "Customers with an appointment on 2026-09-14",
    ],
    ["chosen appointments", { appointment_ids: [4, 5] }, "Customers with an appointment (2 chosen appointments)"],
    [
      "jobs and appointments",
      { job_ids: [2], appointment_statuses: ["cancelled"] },
      "Customers of Oak Park Soccer and with a cancelled appointment",
    ],
    ["chosen customers", { customer_ids: [1, 2, 3] }, "3 chosen customers"],
    [
      "chosen customers of a job",
      { job_ids: [1], customer_ids: [1] },
      "Customers of Lincoln Elementary, among 1 chosen customer",
    ],
  ])("%s", (_, f, sentence) => {
    expect(describeFilters(f, names)).toBe(sentence);
  });
});

describe("messageValueProblems: a value empty for every recipient is named beside its field", () => {
  const shared = {
    "studio.name": "Sunny Side",
    "studio.phone": "",
    "snippet.hours": "",
    "snippet.ship": "Free over $50",
  };
  const lincoln = {
    name: "Lincoln",
    values: {
      "job.name": "Lincoln",
      "job.type": "school",
      "job.coupon_deadline": "",
      "job.shoot_date": "Monday, September 14, 2026",
    },
    hasGallery: false,
  };
  const msg = (over: Partial<Parameters<typeof messageValueProblems>[0]>) => ({
    channels: ["email"],
    subject: "Hi",
    preheader: "",
    body: "Hello",
    smsBody: "",
    voiceScript: "",
    filters: {},
    toAddress: null,
    ...over,
  });
  test.each<
    [
      string,
      Parameters<typeof messageValueProblems>[0],
      Parameters<typeof messageValueProblems>[1],
      Record<string, string>,
    ]
  >([
    [
      "values that exist pass",
      msg({ body: "{{studio.name}} {{snippet.ship}} {{customer.first_name}} {{links.unsubscribe_link}}" }),
      { shared, job: null },
      {},
    ],
    [
      "a fallback makes any key optional",
      msg({ body: '{{studio.phone | "-"}} {{job.name | ""}} {{appointment.date | "soon"}}' }),
      { shared, job: null },
      {},
    ],
    [
      "an empty snippet",
      msg({ subject: "{{snippet.hours}}" }),
      { shared, job: null },
      {
        subject:
          '{{snippet.hours}} is empty: the snippet “hours” has no text. Write it, or give it a fallback like {{snippet.hours | "…"}}',
      },
    ],
    [
      "job keys need a job, job filters or appointments",
      msg({ body: "{{customer.access_code}}" }),
      { shared, job: null },
      {
        body: '{{customer.access_code}} has no value: this message is not about a job. Choose a job under Recipients, or give it a fallback like {{customer.access_code | "…"}}',
      },
    ],
    [
      "job filters can give each recipient a job",
      msg({ body: "{{job.name}} {{album.name}}", filters: { job_statuses: ["selling"] } }),
      { shared, job: null },
      {},
    ],
    [
      "an appointment can carry a job",
      msg({ body: "{{job.name}} {{appointment.time}}", filters: { appointment_statuses: ["confirmed"] } }),
      { shared, job: null },
      {},
    ],
    [
      "the message's job lacks a date",
      msg({ body: "{{job.shoot_date}} {{job.coupon_deadline}}", filters: { job_ids: [1] } }),
      { shared, job: lincoln },
      {
        body: '{{job.coupon_deadline}} is empty: Lincoln has no coupon deadline. Set it on the job, or give it a fallback like {{job.coupon_deadline | "…"}}',
      },
    ],
    [
      "the message's job has no gallery",
      msg({ body: "{{customer.gallery_link}}", filters: { job_ids: [1] } }),
      { shared, job: lincoln },
      {
        body: '{{customer.gallery_link}} is empty: Lincoln has no gallery URL. Set it on the job, or give it a fallback like {{customer.gallery_link | "…"}}',
      },
    ],
    [
      "a typed-in address has no customer",
      msg({ body: "{{customer.email}} {{customer.name}}", toAddress: "a@example.com" }),
      { shared, job: null },
      {
        body: '{{customer.name}} has no value: this message goes to a typed-in address, not a customer. Remove it, or give it a fallback like {{customer.name | "…"}}',
      },
    ],
    [
      "a typed-in number is its own customer.phone",
      msg({ channels: ["sms"], smsBody: "{{customer.phone}}", toAddress: "+15550001" }),
      { shared, job: null },
      {},
    ],
    [
      "only the fields the channels use: an SMS has no subject, and not the e-mail's body",
      msg({ channels: ["sms"], subject: "{{studio.phone}}", body: "{{studio.phone}}", smsBody: "Hi" }),
      { shared, job: null },
      {},
    ],
    [
      "a call reads its script, never the e-mail's body",
      msg({ channels: ["voice"], body: "{{studio.phone}}", voiceScript: "{{appointment.date}}" }),
      { shared, job: null },
      {
        voice_script:
          '{{appointment.date}} has no value: this message does not go to appointments. Choose appointments (by status or date) under Recipients, or give it a fallback like {{appointment.date | "…"}}',
      },
    ],
  ])("%s", (_, m, ctx, errors) => {
    expect(messageValueProblems(m, ctx)).toEqual(errors);
  });
});

// ---------------------------------------------------------------- a mixed population

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

type Model = {
  customers: { id: number }[];
  jobs: { id: number; status: string; year: number; type: string }[];
  albums: { id: number; jobId: number }[];
  regs: {
    jobId: number;
    customerId: number;
    albumId: number | null;
    photosAvailableAt: Date | null;
    accessCode: string;
  }[];
  orders: { jobId: number; customerId: number }[];
  appts: { id: number; customerId: number; status: string; startsAt: Date }[];
};

/**
 * ~150 customers: without e-mail or phone (null and empty), families sharing addresses, every
 * suppression reason on e-mail, SMS and voice (some cleared), no consent, landlines and mobiles,
 * registered in up to three jobs as buyers or not, with and without photos (some due later), and
 * appointments in every status across September.
 */
async function seedPopulation(db: Database): Promise<Model> {
  const random = rng(7);
  const chance = (p: number) => random() < p;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const sharedEmails = Array.from({ length: 8 }, (_, i) => `family${i}@example.com`);
  const sharedPhones = Array.from({ length: 6 }, (_, i) => `+1555000000${i}`);
  const rows = Array.from({ length: 150 }, (_, i) => {
    const e = random();
    const p = random();
    return {
      // Names that give no value to a placeholder: empty, or only spaces, a tab, a no-break space.
      firstName: i % 11 === 5 ? "" : i % 11 === 7 ? " \t\u00a0" : `First${i}`,
      lastName: i % 17 === 3 ? " " : `Last${i}`,
      email: e < 0.1 ? null : e < 0.14 ? "" : e < 0.55 ? pick(sharedEmails) : `c${i}@example.com`,
      phone: p < 0.2 ? null : p < 0.24 ? "" : p < 0.6 ? pick(sharedPhones) : `+1555100${String(i).padStart(4, "0")}`,
      consentEmail: chance(0.75),
      consentSms: chance(0.75),
      consentVoice: chance(0.75),
    };
  });
  const cs = await db
    .insert(customers)
    .values(rows)
    .returning({ id: customers.id, email: customers.email, phone: customers.phone });

  const uniqueEmails = cs.map((c) => c.email).filter((e): e is string => !!e && e.startsWith("c"));
  const uniquePhones = cs.map((c) => c.phone).filter((p): p is string => !!p && p.startsWith("+1555100"));
  const cleared = NOW.getTime() - DAY;
  await db.insert(suppressions).values([
    { channel: "email", address: sharedEmails[0]!, reason: "unsubscribed", source: "test" },
    { channel: "email", address: sharedEmails[1]!, reason: "bounced", source: "test" },
    { channel: "email", address: sharedEmails[2]!, reason: "complained", source: "test" },
    { channel: "email", address: sharedEmails[3]!, reason: "bounced", source: "test", clearedAt: new Date(cleared) },
    { channel: "email", address: uniqueEmails[0]!, reason: "invalid_address", source: "test" },
    {
      channel: "email",
      address: uniqueEmails[1]!,
      reason: "unsubscribed",
      source: "test",
      clearedAt: new Date(cleared),
    },
    { channel: "email", address: uniqueEmails[1]!, reason: "complained", source: "test" },
    { channel: "email", address: uniqueEmails[2]!, reason: "bounced", source: "test" },
    // An address suppressed on another channel does not count here.
    { channel: "sms", address: uniqueEmails[3]!, reason: "stop_keyword", source: "test" },
    { channel: "sms", address: sharedPhones[0]!, reason: "stop_keyword", source: "test" },
    { channel: "sms", address: sharedPhones[1]!, reason: "landline", source: "test" },
    { channel: "voice", address: sharedPhones[0]!, reason: "unsubscribed", source: "test" },
    { channel: "voice", address: sharedPhones[2]!, reason: "invalid_address", source: "test" },
    { channel: "sms", address: uniquePhones[0]!, reason: "invalid_address", source: "test" },
    { channel: "sms", address: uniquePhones[1]!, reason: "stop_keyword", source: "test", clearedAt: new Date(cleared) },
  ]);
  await db.insert(phoneLookups).values([
    { phone: sharedPhones[3]!, lineType: "landline", lookedUpAt: NOW },
    { phone: sharedPhones[4]!, lineType: "mobile", lookedUpAt: NOW },
    { phone: sharedPhones[0]!, lineType: "landline", lookedUpAt: NOW },
    ...uniquePhones.slice(2, 12).map((phone, i) => ({
      phone,
      lineType: i % 3 === 0 ? "landline" : i % 3 === 1 ? "voip" : "mobile",
      lookedUpAt: NOW,
    })),
  ]);

  // Jobs with and without the dates, texts and gallery their placeholders read.
  const jobRows = [
    {
      name: "Lincoln Elementary",
      type: "school" as const,
      year: 2026,
      status: "selling" as const,
      shootDate: "2026-09-14",
      galleryUrl: "https://shop.example.com/l",
      customText: "Office pick-up",
    },
    {
      name: "Oak Park Soccer",
      type: "sports" as const,
      year: 2025,
      status: "archived" as const,
      couponDeadline: "2026-10-01",
      customText: "  ",
    },
    {
      name: "Sunshine Kindergarten",
      type: "kindergarten" as const,
      year: 2026,
      status: "planning" as const,
      shootDate: "2026-10-02",
      couponDeadline: "2026-11-01",
      galleryUrl: "https://shop.example.com/s",
    },
  ];
  const js = await db
    .insert(jobs)
    .values(jobRows)
    .returning({ id: jobs.id, status: jobs.status, year: jobs.year, type: jobs.type });
  const as = await db
    .insert(albums)
    .values([
      { jobId: js[0]!.id, name: "Class 3B" },
      { jobId: js[0]!.id, name: "Class 4A" },
      { jobId: js[1]!.id, name: "U10" },
    ])
    .returning({ id: albums.id, jobId: albums.jobId });

  const regs: Model["regs"] = [];
  const ords: Model["orders"] = [];
  for (const c of cs) {
    for (const [j, p] of [
      [js[0]!, 0.7],
      [js[1]!, 0.45],
      [js[2]!, 0.25],
    ] as const) {
      if (!chance(p)) continue;
      const jobAlbums = as.filter((a) => a.jobId === j.id);
      const albumId = jobAlbums.length && chance(0.8) ? pick(jobAlbums).id : null;
      const ph = random();
      const photosAvailableAt =
        ph < 0.5 ? new Date(NOW.getTime() - 5 * DAY) : ph < 0.65 ? new Date(NOW.getTime() + 2 * DAY) : null;
      regs.push({
        jobId: j.id,
        customerId: c.id,
        albumId,
        photosAvailableAt,
        accessCode: c.id % 5 === 0 ? "" : c.id % 7 === 0 ? "  " : `AC${c.id}-${j.id}`,
      });
      if (j.status !== "planning" && chance(0.4)) ords.push({ jobId: j.id, customerId: c.id });
    }
  }
  await db.insert(registrations).values(regs.map((r) => ({ ...r, registeredAt: new Date(NOW.getTime() - 30 * DAY) })));
  // Some buyers ordered twice; that is still one buyer.
  await db.insert(orders).values(
    [...ords, ...ords.slice(0, 5)].map((o) => ({
      ...o,
      amountMinor: 1500,
      orderedAt: new Date(NOW.getTime() - DAY),
    })),
  );

  const statuses = ["scheduled", "confirmed", "cancelled", "reschedule_requested"] as const;
  const apptRows = cs.flatMap((c) =>
    chance(0.45)
      ? Array.from({ length: chance(0.3) ? 2 : 1 }, () => ({
          customerId: c.id,
          jobId: chance(0.5) ? js[0]!.id : null,
          status: pick(statuses),
          startsAt: new Date(
            Date.parse("2026-08-25T08:00:00Z") +
              Math.floor(random() * 40) * DAY +
              Math.floor(random() * 24) * 3_600_000,
          ),
        }))
      : [],
  );
  // Some appointments of another job, some with no location.
  for (const [i, a] of apptRows.entries())
    Object.assign(a, {
      jobId: i % 9 === 4 ? js[1]!.id : a.jobId,
      location: i % 4 === 1 ? "" : i % 6 === 3 ? " " : `Room ${i}`,
    });
  const aps = await db.insert(appointments).values(apptRows).returning({
    id: appointments.id,
    customerId: appointments.customerId,
    status: appointments.status,
    startsAt: appointments.startsAt,
  });
  return { customers: cs, jobs: js, albums: as, regs, orders: ords, appts: aps };
}

/** The customers the filters select, worked out the plain way from the model (UTC days). */
function expectedIds(m: Model, f: MessageFilters): number[] {
  const jobFilter = !!(
    f.job_ids ||
    f.job_statuses ||
    f.years ||
    f.album_ids ||
    f.job_types ||
    (f.audience ?? "all") !== "all" ||
    (f.condition ?? "any") !== "any"
  );
  const apptFilter = !!(f.appointment_ids || f.appointment_statuses || f.appointment_from || f.appointment_to);
  const regMatches = (r: Model["regs"][number]) => {
    const job = m.jobs.find((j) => j.id === r.jobId)!;
    const bought = m.orders.some((o) => o.jobId === r.jobId && o.customerId === r.customerId);
    const photos = !!r.photosAvailableAt && r.photosAvailableAt <= NOW;
    return (
      (!f.job_ids || f.job_ids.includes(job.id)) &&
      (!f.job_statuses || (f.job_statuses as string[]).includes(job.status)) &&
      (!f.years || f.years.includes(job.year)) &&
      (!f.job_types || (f.job_types as string[]).includes(job.type)) &&
      (!f.album_ids || (r.albumId !== null && f.album_ids.includes(r.albumId))) &&
      (f.audience !== "potential_buyers" || !bought) &&
      (f.audience !== "buyers" || bought) &&
      (f.condition !== "with_photos" || photos) &&
      (f.condition !== "without_photos" || !photos)
    );
  };
  const apptMatches = (a: Model["appts"][number]) =>
    (!f.appointment_ids || f.appointment_ids.includes(a.id)) &&
    (!f.appointment_statuses || (f.appointment_statuses as string[]).includes(a.status)) &&
    (!f.appointment_from || a.startsAt.toISOString().slice(0, 10) >= f.appointment_from) &&
    (!f.appointment_to || a.startsAt.toISOString().slice(0, 10) <= f.appointment_to);
  return m.customers
    .map((c) => c.id)
    .filter((id) => !jobFilter || m.regs.some((r) => r.customerId === id && regMatches(r)))
    .filter((id) => !apptFilter || m.appts.some((a) => a.customerId === id && apptMatches(a)))
    .filter((id) => !f.customer_ids || f.customer_ids.includes(id));
}

/** What the outbox would record, tallied the way audienceSummary reports it. */
async function outboxTally(
  db: Database,
  ids: number[],
  channel: Channel,
): Promise<{ summary: ChannelSummary; byReason: Map<SkipReason, number[]> }> {
  const decisions = decideRecipients(await loadCandidates(db, ids), channel, { requireConsent: true });
  const excluded = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  const byReason = new Map<SkipReason, number[]>();
  for (const d of decisions) {
    if (!d.skip) continue;
    excluded[d.skip]++;
    byReason.set(d.skip, [...(byReason.get(d.skip) ?? []), d.customerId]);
  }
  return {
    summary: { matched: decisions.length, willReceive: decisions.filter((d) => !d.skip).length, excluded },
    byReason,
  };
}

type Text = { subject?: string; body?: string; voiceScript?: string };

/**
 * What starting the message would record (messageDecisions, a page at a time as the scheduler
 * does), tallied the way audienceSummary reports it, with who is behind each reason: a customer
 * id, or `id/a<appointment>` for a message to appointments.
 */
async function startTally(db: Database, f: MessageFilters, text: Text = {}, pageSize?: number) {
  const message = {
    id: 0,
    channels: CHANNELS,
    filters: f,
    subject: text.subject ?? "",
    preheader: "",
    body: text.body ?? "",
    // One text for every channel, as these tests were written before each channel had its own.
    smsBody: text.body ?? "",
    voiceScript: text.voiceScript || text.body || "",
    jobId: null,
    toAddress: null,
    callOnlyIfNoSms: false,
  };
  const decided: { channel: Channel; decisions: Decision[] }[] = CHANNELS.map((channel) => ({
    channel,
    decisions: [],
  }));
  for await (const page of messageDecisionPages({ db }, message, NOW, pageSize))
    for (const [i, p] of page.entries()) decided[i]!.decisions.push(...p.decisions);
  const out = new Map<Channel, { summary: ChannelSummary; byReason: Map<string, string[]> }>();
  for (const { channel, decisions } of decided) {
    const excluded = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
    const byReason = new Map<string, string[]>();
    for (const d of decisions) {
      if (!d.skip) continue;
      excluded[d.skip] = (excluded[d.skip] ?? 0) + 1;
      byReason.set(d.skip, [
        ...(byReason.get(d.skip) ?? []),
        `${d.customerId}${d.appointmentId ? `/a${d.appointmentId}` : ""}`,
      ]);
    }
    const summary: ChannelSummary = {
      matched: decisions.length,
      willReceive: decisions.filter((d) => !d.skip).length,
      excluded,
    };
    if (hasAppointmentFilter(f)) summary.customers = new Set(decisions.map((d) => d.customerId)).size;
    out.set(channel, { summary, byReason });
  }
  return out;
}

/** What the SQL needs to count as the start decides: the text's required keys and the shared values. */
async function needsOf(db: Database, f: MessageFilters, text: Text = {}): Promise<AudienceNeeds> {
  const required = requiredByChannel({
    channels: CHANNELS,
    subject: text.subject ?? "",
    preheader: "",
    body: text.body ?? "",
    smsBody: text.body ?? "",
    voiceScript: text.voiceScript || text.body || "",
  });
  return { required, jobId: messageJob(null, f), shared: sharedValues(await getSettings(db), await loadSnippets(db)) };
}

/** The SQL count and the names behind every excluded count equal what the start decides. */
async function expectSqlEqualsStart(db: Database, f: MessageFilters, text: Text = {}) {
  const needs = await needsOf(db, f, text);
  const summary = await audienceSummary(db, f, CHANNELS, NOW, { needs });
  const start = await startTally(db, f, text);
  for (const channel of CHANNELS) {
    const { summary: expected, byReason } = start.get(channel)!;
    expect({ channel, ...summary[channel] }).toEqual({ channel, ...expected });
    for (const reason of new Set([...SKIP_REASONS, ...Object.keys(summary[channel].excluded), ...byReason.keys()])) {
      const listed = await excludedCustomers(db, f, channel, reason as SkipReason, NOW, { limit: 1000, needs });
      const ids = listed.map((c) => `${c.id}${c.appointment ? `/a${c.appointment.id}` : ""}`);
      expect({ channel, reason, ids }).toEqual({ channel, reason, ids: byReason.get(reason) ?? [] });
    }
  }
  return start;
}

/**
 * The set-based start (planStart, writeStartPage), pages of `pageSize` rows, writes exactly the
 * deliveries the decisions in code say (messageDecisionPages, pages of as many customers): each
 * recipient queued or skipped with its reason, to the same address, about the same job; and for
 * a message to customers in the same places of the stagger.
 */
async function expectWrittenAsDecided(db: Database, f: MessageFilters, text: Text = {}, pageSize = 3) {
  const [message] = await db
    .insert(messages)
    .values({
      name: "set-based",
      channels: CHANNELS,
      subject: text.subject ?? "",
      body: text.body ?? "",
      smsBody: text.body ?? "",
      voiceScript: text.voiceScript || text.body || "",
      filters: f,
      status: "scheduled",
      createdAt: NOW,
      updatedAt: NOW,
    })
    .returning();
  const m = message!;
  const needs = await needsOf(db, f, text);
  const stagger = { batchSize: 2, intervalSeconds: 60 };
  const expected: string[] = [];
  let placed = 0;
  for await (const page of messageDecisionPages({ db }, { ...m, jobId: null }, NOW, pageSize))
    for (const { channel, decisions } of page)
      for (const d of decisions) {
        const due = d.skip ? NOW : new Date(NOW.getTime() + Math.floor(placed++ / 2) * 60_000);
        const source = { kind: "message" as const, messageId: m.id, appointmentId: d.appointmentId };
        expected.push(
          [
            deliveryKey(source, { customerId: d.customerId }, channel),
            d.customerId,
            d.appointmentId ?? "-",
            channel,
            d.to,
            d.skip ? "skipped" : "queued",
            d.skip,
            d.jobId ?? needs.jobId,
            hasAppointmentFilter(f) ? "-" : due.toISOString(),
          ].join(" "),
        );
      }
  for (const page of await planStart(db, f, CHANNELS, NOW, { needs, pageSize }))
    for (const channel of CHANNELS)
      await writeStartPage(db, { id: m.id, filters: f, jobId: needs.jobId }, channel, page, NOW, { needs, stagger });
  const written = await db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
  const sortByKey = (xs: string[]) => xs.sort();
  expect(
    sortByKey(
      written.map((d) =>
        [
          d.deliveryKey,
          d.customerId,
          d.appointmentId ?? "-",
          d.channel,
          d.toAddress,
          d.status,
          d.skipReason,
          d.jobId,
          hasAppointmentFilter(f) ? "-" : d.dueAt.toISOString(),
        ].join(" "),
      ),
    ),
  ).toEqual(sortByKey(expected));
}

describe("message audience over a mixed population", () => {
  let db: Database;
  let m: Model;
  beforeAll(async () => {
    db = await openDatabase(":memory:");
    await migrateDatabase(db);
    m = await seedPopulation(db);
  });
  const J = (i: number) => m.jobs[i]!.id;
  const A = (i: number) => m.albums[i]!.id;

  // Built lazily: ids exist only once the population is seeded.
  const cases: [string, () => MessageFilters][] = [
    ["no filters: everyone", () => ({})],
    ["audience all, condition any: still everyone", () => ({ audience: "all", condition: "any" })],
    ["one job", () => ({ job_ids: [J(0)] })],
    ["two jobs", () => ({ job_ids: [J(0), J(1)] })],
    ["job status", () => ({ job_statuses: ["selling"] })],
    ["two job statuses", () => ({ job_statuses: ["archived", "planning"] })],
    ["year", () => ({ years: [2026] })],
    ["job type", () => ({ job_types: ["sports"] })],
    ["album", () => ({ album_ids: [A(0)] })],
    ["albums of two jobs", () => ({ album_ids: [A(1), A(2)] })],
    ["potential buyers of any job", () => ({ audience: "potential_buyers" })],
    ["buyers of any job", () => ({ audience: "buyers" })],
    ["with photos available", () => ({ condition: "with_photos" })],
    ["without photos available", () => ({ condition: "without_photos" })],
    [
      "potential buyers of a job with photos",
      () => ({ job_ids: [J(0)], audience: "potential_buyers", condition: "with_photos" }),
    ],
    ["potential buyers of two jobs, per registration", () => ({ job_ids: [J(0), J(1)], audience: "potential_buyers" })],
    [
      "buyers without photos in two jobs",
      () => ({ job_ids: [J(0), J(1)], audience: "buyers", condition: "without_photos" }),
    ],
    [
      "selling jobs of 2026, potential buyers",
      () => ({ job_statuses: ["selling"], years: [2026], audience: "potential_buyers" }),
    ],
    ["school or sports jobs, one album", () => ({ job_types: ["school", "sports"], album_ids: [A(1)] })],
    ["a year no job has", () => ({ years: [2019] })],
    ["appointment status", () => ({ appointment_statuses: ["confirmed"] })],
    ["appointment statuses", () => ({ appointment_statuses: ["scheduled", "reschedule_requested"] })],
    ["appointments from a day", () => ({ appointment_from: "2026-09-15" })],
    ["appointments until a day", () => ({ appointment_to: "2026-09-01" })],
    ["appointments in a range", () => ({ appointment_from: "2026-09-05", appointment_to: "2026-09-20" })],
    [
      "confirmed appointments on one day range",
      () => ({
        appointment_statuses: ["confirmed", "scheduled"],
        appointment_from: "2026-09-10",
        appointment_to: "2026-09-12",
      }),
    ],
    ["chosen appointments", () => ({ appointment_ids: m.appts.filter((_, i) => i % 4 === 0).map((a) => a.id) })],
    [
      "job and appointment status together",
      () => ({ job_ids: [J(0)], appointment_statuses: ["scheduled", "confirmed"] }),
    ],
    [
      "potential buyers with an appointment in range",
      () => ({
        audience: "potential_buyers",
        condition: "with_photos",
        appointment_from: "2026-09-01",
        appointment_to: "2026-09-30",
      }),
    ],
    ["chosen customers", () => ({ customer_ids: m.customers.filter((_, i) => i % 3 === 0).map((c) => c.id) })],
    [
      "chosen customers of a job",
      () => ({ job_ids: [J(1)], customer_ids: m.customers.filter((_, i) => i % 2 === 0).map((c) => c.id) }),
    ],
    // Past 500 ids the list goes to SQLite as one JSON array.
    [
      "a long list of chosen customers",
      () => ({
        customer_ids: [...m.customers.map((c) => c.id), ...Array.from({ length: 600 }, (_, i) => 100_000 + i)],
      }),
    ],
    [
      "everything at once",
      () => ({
        job_statuses: ["selling", "archived"],
        years: [2025, 2026],
        job_types: ["school", "sports"],
        audience: "buyers",
        condition: "with_photos",
        appointment_statuses: ["scheduled", "confirmed", "cancelled"],
        appointment_from: "2026-08-20",
      }),
    ],
  ];

  test.each(cases)("%s: the customers it selects", async (_, filters) => {
    const f = filters();
    const ids = await audienceCustomerIds(db, f, NOW);
    expect(ids).toEqual(expectedIds(m, f));
    expect(await audienceSize(db, f, NOW)).toBe(ids.length);
  });

  // A message to appointments counts appointments: one message each, about its own.
  test.each(cases)("%s: the count per channel and reason is what the start would record", async (_, filters) => {
    // The names behind each count are the very customers (or appointments) the start would skip.
    await expectSqlEqualsStart(db, filters());
  });

  test.each(cases)("%s: the set-based start writes what the decisions say", async (_, filters) => {
    await expectWrittenAsDecided(db, filters());
  });

  // Texts whose placeholders (without a fallback) may have no value for a recipient: customer
  // names, the job's dates and texts, the registration's code, album and gallery, the appointment.
  const texts: [string, Text][] = [
    [
      "customer names",
      {
        subject: "{{customer.name}}, news",
        body: "Hi {{customer.first_name}}",
        voiceScript: 'Hello {{customer.last_name}} from {{studio.name | "us"}}',
      },
    ],
    [
      "a fallback makes a key optional",
      {
        subject: "News",
        body: 'Hi {{customer.first_name | "there"}} {{customer.last_name}}',
        voiceScript: 'Hi {{customer.first_name | ""}}',
      },
    ],
    [
      "the job, its registration and album",
      {
        subject: "{{job.name}}: {{job.coupon_deadline}}",
        body: "{{album.name}} {{customer.access_code}} {{customer.gallery_link}} {{customer.photos_count}} {{job.custom_text}} {{job.shoot_date}}",
      },
    ],
    ["the photo count and custom text", { body: "{{customer.photos_count}} photos. {{job.custom_text}}" }],
    [
      "the appointment",
      {
        subject: "{{appointment.date}}",
        body: "{{appointment.date}} {{appointment.time}} at {{appointment.location}}, {{job.shoot_date}} {{customer.first_name}}",
        voiceScript: "{{appointment.confirm_link}} {{job.name}}",
      },
    ],
    [
      "a studio value empty for everyone",
      {
        subject: "{{customer.first_name}}",
        body: "Call {{studio.phone}} or {{customer.first_name}}",
        voiceScript: "{{snippet.nothing}}",
      },
    ],
  ];
  const valueCases: [string, () => MessageFilters][] = [
    ["everyone", () => ({})],
    ["one job", () => ({ job_ids: [J(0)] })],
    ["the other job", () => ({ job_ids: [J(1)] })],
    ["two jobs (each hears about their first)", () => ({ job_ids: [J(1), J(2)] })],
    ["potential buyers of any job", () => ({ audience: "potential_buyers" })],
    ["appointment statuses", () => ({ appointment_statuses: ["scheduled", "confirmed"] })],
    ["chosen appointments", () => ({ appointment_ids: m.appts.filter((_, i) => i % 3 === 0).map((a) => a.id) })],
    ["a job and appointments", () => ({ job_ids: [J(1), J(2)], appointment_from: "2026-09-01" })],
  ];
  test.each(texts.flatMap(([name, text]) => valueCases.map(([fname, f]) => [`${name}, ${fname}`, text, f] as const)))(
    "%s: who has no value is counted and listed as the start records it",
    async (_, text, filters) => {
      await expectSqlEqualsStart(db, filters(), text);
    },
  );

  test.each(texts.flatMap(([name, text]) => valueCases.map(([fname, f]) => [`${name}, ${fname}`, text, f] as const)))(
    "%s: the set-based start writes what the decisions say",
    async (_, text, filters) => {
      await expectWrittenAsDecided(db, filters(), text);
    },
  );

  test("the texts above exercise every value rule (so the comparisons mean something)", async () => {
    const seen = new Set<string>();
    for (const [, text] of texts) {
      for (const [, f] of valueCases)
        for (const { byReason } of (await startTally(db, f(), text)).values())
          for (const r of byReason.keys()) seen.add(r);
    }
    for (const key of [
      "customer.name",
      "customer.first_name",
      "customer.last_name",
      "job.coupon_deadline",
      "album.name",
      "customer.access_code",
      "customer.gallery_link",
      "customer.photos_count",
      "job.custom_text",
      "job.shoot_date",
      "appointment.location",
      "job.name",
      "studio.phone",
      "snippet.nothing",
    ]) {
      expect(seen).toContain(`missing:${key}`);
    }
  });

  test("pages of a few customers decide what one pass decides", async () => {
    const f = { appointment_statuses: ["scheduled", "confirmed"] } as MessageFilters;
    const text = texts.find(([name]) => name === "the appointment")![1];
    const whole = await startTally(db, f, text);
    const paged = await startTally(db, f, text, 7);
    expect([...paged.entries()]).toEqual([...whole.entries()]);
  });

  test("the population exercises every rule (so the comparisons above mean something)", async () => {
    const { summary } = await outboxTally(
      db,
      m.customers.map((c) => c.id),
      "email",
    );
    const sms = (
      await outboxTally(
        db,
        m.customers.map((c) => c.id),
        "sms",
      )
    ).summary;
    const voice = (
      await outboxTally(
        db,
        m.customers.map((c) => c.id),
        "voice",
      )
    ).summary;
    for (const r of [
      "no_address",
      "no_consent",
      "unsubscribed",
      "bounced",
      "complained",
      "invalid_address",
      "duplicate_address",
    ] as const)
      expect(summary.excluded[r]).toBeGreaterThan(0);
    for (const r of [
      "no_address",
      "no_consent",
      "stop_keyword",
      "landline",
      "invalid_address",
      "duplicate_address",
    ] as const)
      expect(sms.excluded[r]).toBeGreaterThan(0);
    for (const r of ["unsubscribed", "invalid_address", "duplicate_address"] as const)
      expect(voice.excluded[r]).toBeGreaterThan(0);
  });

  test("one channel or none", async () => {
    const f = { job_ids: [J(0)] };
    const both = await audienceSummary(db, f, ["email", "sms"], NOW);
    expect(await audienceSummary(db, f, ["sms"], NOW)).toEqual({ sms: both.sms });
    expect(await audienceSummary(db, f, [], NOW)).toEqual({});
  });

  test("the excluded list pages by customer id", async () => {
    const all = await excludedCustomers(db, {}, "email", "duplicate_address", NOW, { limit: 1000 });
    expect(all.length).toBeGreaterThan(4);
    const page = await excludedCustomers(db, {}, "email", "duplicate_address", NOW, { limit: 2, offset: 2 });
    expect(page).toEqual(all.slice(2, 4));
    const [first] = all;
    expect(first).toEqual({
      id: first!.id,
      firstName: expect.stringMatching(/^First/),
      lastName: expect.stringMatching(/^Last/),
      address: expect.stringMatching(/^family\d@example\.com$/),
    });
  });
});

describe("message audience rules in small", () => {
  async function fresh() {
    const db = await openDatabase(":memory:");
    await migrateDatabase(db);
    const [j1, j2] = await db
      .insert(jobs)
      .values([
        { name: "J1", type: "school", year: 2026, status: "selling" },
        { name: "J2", type: "school", year: 2026, status: "selling" },
      ])
      .returning();
    return { db, j1: j1!, j2: j2! };
  }

  test("audience and condition hold per registration: a buyer in one job is a potential buyer in another", async () => {
    const { db, j1, j2 } = await fresh();
    const [c] = await db.insert(customers).values({ email: "a@example.com", consentEmail: true }).returning();
    const registeredAt = NOW;
    await db.insert(registrations).values([
      { jobId: j1.id, customerId: c!.id, registeredAt, photosAvailableAt: new Date(NOW.getTime() - DAY) },
      { jobId: j2.id, customerId: c!.id, registeredAt },
    ]);
    await db.insert(orders).values({ jobId: j1.id, customerId: c!.id, amountMinor: 100, orderedAt: NOW });
    expect(await audienceCustomerIds(db, { job_ids: [j1.id], audience: "potential_buyers" }, NOW)).toEqual([]);
    expect(await audienceCustomerIds(db, { job_ids: [j1.id, j2.id], audience: "potential_buyers" }, NOW)).toEqual([
      c!.id,
    ]);
    // Potential buyer (J2) and with photos (J1) are true in different jobs, never in the same one.
    expect(await audienceCustomerIds(db, { audience: "potential_buyers", condition: "with_photos" }, NOW)).toEqual([]);
    expect(await audienceCustomerIds(db, { audience: "buyers", condition: "with_photos" }, NOW)).toEqual([c!.id]);
    // Photos that become available later are not available now.
    expect(await audienceCustomerIds(db, { condition: "with_photos" }, new Date(NOW.getTime() - 2 * DAY))).toEqual([]);
  });

  test("a shared address goes to the first customer who may receive it, not merely the first who has it", async () => {
    const { db } = await fresh();
    const cs = await db
      .insert(customers)
      .values([
        { email: "family@example.com", consentEmail: false },
        { email: "family@example.com", consentEmail: true },
        { email: "family@example.com", consentEmail: true },
        { email: "", consentEmail: true },
        { email: "", consentEmail: true },
      ])
      .returning();
    const summary = (await audienceSummary(db, {}, ["email"], NOW)).email;
    expect(summary).toEqual({
      matched: 5,
      willReceive: 1,
      excluded: { ...summary.excluded, no_consent: 1, duplicate_address: 1, no_address: 2 },
    });
    expect(Object.values(summary.excluded).reduce((a, b) => a + b, 0)).toBe(4);
    expect(
      (await excludedCustomers(db, {}, "email", "duplicate_address", NOW, { limit: 10 })).map((c) => c.id),
    ).toEqual([cs[2]!.id]);
    // Filtered to the last two, the second of them receives it.
    const f = { customer_ids: [cs[1]!.id, cs[2]!.id] };
    expect((await audienceSummary(db, f, ["email"], NOW)).email.willReceive).toBe(1);
    expect((await excludedCustomers(db, f, "email", "duplicate_address", NOW, { limit: 10 })).map((c) => c.id)).toEqual(
      [cs[2]!.id],
    );
  });

  test("the counts follow every change to customers, suppressions and phone lookups", async () => {
    const { db } = await fresh();
    const [a, b, c] = await db
      .insert(customers)
      .values([
        { email: "a@example.com", phone: "+17770000001", consentEmail: true, consentSms: true, consentVoice: true },
        { email: "b@example.com", phone: "+17770000002", consentEmail: true, consentSms: true, consentVoice: true },
        { email: "c@example.com", phone: "+17770000003", consentEmail: true, consentSms: true, consentVoice: true },
      ])
      .returning();
    const ids = [a!.id, b!.id, c!.id];
    /** The live count must say what the outbox would do, whatever changed since the last write. */
    const expectInStep = async (why: string) => {
      const summary = await audienceSummary(db, {}, CHANNELS, NOW);
      for (const channel of CHANNELS)
        expect({ why, channel, ...summary[channel] }).toEqual({
          why,
          channel,
          ...(await outboxTally(db, ids, channel)).summary,
        });
    };
    await expectInStep("as created");

    await db
      .insert(suppressions)
      .values({ channel: "email", address: "a@example.com", reason: "bounced", source: "test" });
    // An outer INSERT OR IGNORE must not turn the triggers' own writes into no-ops.
    await db.run(
      sql`insert or ignore into suppressions (channel, address, reason, source) values ('sms', '+17770000002', 'stop_keyword', 'test')`,
    );
    await expectInStep("after two suppressions");
    expect((await audienceSummary(db, {}, ["email", "sms"], NOW)).email.excluded.bounced).toBe(1);

    await db.update(suppressions).set({ clearedAt: NOW }).where(eq(suppressions.address, "a@example.com"));
    await expectInStep("after a suppression was cleared");
    await db.delete(suppressions).where(eq(suppressions.address, "+17770000002"));
    await expectInStep("after a suppression was deleted");

    await db.insert(phoneLookups).values({ phone: "+17770000003", lineType: "landline", lookedUpAt: NOW });
    await expectInStep("after a lookup found a landline");
    await db.update(phoneLookups).set({ lineType: "mobile" }).where(eq(phoneLookups.phone, "+17770000003"));
    await expectInStep("after the line turned out mobile");

    // Moving to an address already suppressed, sharing an address, losing consent or the address.
    await db
      .insert(suppressions)
      .values({ channel: "email", address: "blocked@example.com", reason: "complained", source: "test" });
    await db.update(customers).set({ email: "blocked@example.com" }).where(eq(customers.id, a!.id));
    await db.update(customers).set({ email: "c@example.com", consentSms: false }).where(eq(customers.id, b!.id));
    await db.update(customers).set({ phone: null, consentVoice: false }).where(eq(customers.id, c!.id));
    await expectInStep("after customers changed");
    expect((await audienceSummary(db, {}, ["email"], NOW)).email).toMatchObject({
      willReceive: 1,
      excluded: { complained: 1, duplicate_address: 1 },
    });

    await db.delete(customers).where(eq(customers.id, c!.id));
    ids.pop();
    await expectInStep("after a customer was deleted");

    // A REPLACE that removes the row holding an external id takes its reach row with it.
    await db.update(customers).set({ externalId: "crm-1" }).where(eq(customers.id, b!.id));
    await db.run(
      sql`insert or replace into customers (external_id, first_name, email, consent_email) values ('crm-1', 'New', 'new@example.com', 1)`,
    );
    const [replaced] = await db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, "crm-1"));
    ids.splice(ids.indexOf(b!.id), 1, replaced!.id);
    await expectInStep("after a customer row was replaced");
    expect((await audienceSummary(db, {}, ["email"], NOW)).email).toMatchObject({
      matched: 2,
      willReceive: 1,
      excluded: { complained: 1, duplicate_address: 0 },
    });
  });

  test("who has no name is counted from customer_reach, in step with every change of name", async () => {
    const { db } = await fresh();
    const [a, b] = await db
      .insert(customers)
      .values([
        { firstName: "Anna", lastName: "Smith", email: "a@example.com", consentEmail: true },
        { firstName: "Ben", lastName: "Jones", email: "b@example.com", consentEmail: true },
      ])
      .returning();
    const text = {
      subject: "Hi {{customer.first_name}}",
      body: "Dear {{customer.name}}",
      voiceScript: "{{customer.last_name}}",
    };
    const missing = async () =>
      (await audienceSummary(db, {}, ["email"], NOW, { needs: await needsOf(db, {}, text) })).email.excluded;
    expect(await missing()).not.toHaveProperty("missing:customer.first_name");
    await db.update(customers).set({ firstName: " \u2003" }).where(eq(customers.id, a!.id));
    expect(await missing()).toMatchObject({ "missing:customer.first_name": 1 });
    await expectSqlEqualsStart(db, {}, text);
    await db.update(customers).set({ firstName: "", lastName: "" }).where(eq(customers.id, b!.id));
    await expectSqlEqualsStart(db, {}, text);
    await db.update(customers).set({ firstName: "Anna" }).where(eq(customers.id, a!.id));
    expect(await missing()).toMatchObject({ "missing:customer.first_name": 1 });
    // A row replaced whole is marked anew.
    await db.update(customers).set({ externalId: "crm-b" }).where(eq(customers.id, b!.id));
    await db.run(
      sql`insert or replace into customers (external_id, first_name, last_name, email, consent_email) values ('crm-b', 'Bo', '', 'b@example.com', 1)`,
    );
    expect(await missing()).not.toHaveProperty("missing:customer.first_name");
    await expectSqlEqualsStart(db, {}, text);
  });

  test("the appointment date range is read in the studio's time zone", async () => {
    const { db } = await fresh();
    const [c] = await db.insert(customers).values({ email: "a@example.com" }).returning();
    // 23:30 UTC on the 14th is 01:30 on the 15th in Berlin.
    await db
      .insert(appointments)
      .values({ customerId: c!.id, startsAt: new Date("2026-09-14T23:30:00Z"), status: "confirmed" });
    const day15 = { appointment_from: "2026-09-15", appointment_to: "2026-09-15" };
    expect(await audienceCustomerIds(db, day15, NOW)).toEqual([]);
    expect(await audienceCustomerIds(db, day15, NOW, { timeZone: "Europe/Berlin" })).toEqual([c!.id]);
    expect(await audienceCustomerIds(db, { appointment_to: "2026-09-14" }, NOW)).toEqual([c!.id]);
    expect(await audienceCustomerIds(db, { appointment_to: "2026-09-14" }, NOW, { timeZone: "Europe/Berlin" })).toEqual(
      [],
    );
  });
});
