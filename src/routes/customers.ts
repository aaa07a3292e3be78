// Staff pages for customers: the searchable list, create/edit with consent, and the customer
// page with its registration and order forms (SPEC §3 C, C1, C2; U3, U5).
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { CustomerForm, EmailNotice } from "../../views/customer-form.tsx";
import { AlbumField, CustomerPage } from "../../views/customer-page.tsx";
import { CustomersPage, CustomersResults } from "../../views/customers.tsx";
import type { Flash, Values } from "../core/form-state.ts";
import { studioCountry } from "../core/country.ts";
import { type ConsentInput, customerFields } from "../core/customers.ts";
import { staffDay, staffDayInstant } from "../core/date-format.ts";
import { usableLocale } from "../core/intl.ts";
import { type AmountResult, typedAmount } from "../core/money.ts";
import { editablePhone } from "../core/phone.ts";
import {
  email,
  type FieldErrors,
  fieldErrors,
  flag,
  givenAsBlank,
  optionalDate,
  optionalIdRef,
  optionalText,
} from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { countCustomersUpTo, customerSuppressions, customersWithEmail, studioLocale } from "../db/customers.ts";
import { albumsOfJobs, jobChoices } from "../db/jobs.ts";
import {
  createCustomer,
  createOrder,
  customerAppointments,
  customerOrders,
  customerRegistrations,
  ftsQuery,
  getCustomer,
  listCustomers,
  updateCustomer,
  upsertRegistration,
} from "../db/customers.ts";
import { getJob } from "../db/jobs.ts";
import { customerHistory } from "../db/customer-history.ts";
import { getSettings } from "../db/settings.ts";
import type { Customer } from "../db/schema.ts";
import { CHANNELS } from "../core/vocabulary.ts";
import { type AppEnv, type Ctx, isPartial } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { idParam } from "../http/path-id.ts";

/** Counting matches stops here: past it the list says "10,000+" (see bench/customers.ts). */
const COUNT_CAP = 10_000;

const listQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

const registrationForm = z.object({
  job_id: optionalIdRef,
  job_ref: optionalIdRef,
  album_id: optionalIdRef,
  access_code: optionalText(100),
  photos_available: flag,
  photos_count: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? undefined : Number(v)),
    z
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(0, "cannot be negative")
      .max(100_000, "must be at most 100,000")
      .optional(),
  ),
});

/** The typed amount in minor units of the studio's currency, written the studio's language's way. */
function orderAmount(typed: string, currency: string, locale: string): AmountResult {
  const amount = typedAmount(typed, currency, usableLocale(locale));
  return amount.ok && amount.minor === 0 ? { ok: false, problem: "must be more than 0" } : amount;
}

/** The add-order form, for a studio selling in `currency`, writing numbers as `locale` does, in `timeZone`. */
const orderForm = (currency: string, locale: string, timeZone: string) =>
  z.object({
    order_job_id: givenAsBlank(optionalIdRef).refine((v) => v != null, "Choose the job the order belongs to"),
    amount: z.preprocess(
      (v) => (typeof v === "string" ? v.trim() : ""),
      z
        .string()
        .min(1, "Amount is required")
        .transform((v, ctx) => {
          const amount = orderAmount(v, currency, locale);
          if (amount.ok) return amount.minor;
          ctx.addIssue({ code: "custom", message: amount.problem });
          return z.NEVER;
        }),
    ),
    order_date: givenAsBlank(optionalDate).transform((v, ctx) => {
      if (v) return staffDayInstant(v, timeZone);
      ctx.addIssue({ code: "custom", message: "Date is required" });
      return z.NEVER;
    }),
  });

/** True for a targeted htmx swap; a history restore asks for the whole page. */

async function loadCustomer(c: Ctx): Promise<Customer> {
  const id = idParam.safeParse(c.req.param("id"));
  const customer = id.success ? await getCustomer(c.get("deps").db, id.data) : undefined;
  if (!customer) throw new HTTPException(404, { message: "There is no such customer. They may have been deleted." });
  return customer;
}

/** The form's values; the number in international format, so a changed country cannot re-read it. */
function customerValues(cu: Customer): Values {
  return {
    first_name: cu.firstName,
    last_name: cu.lastName,
    email: cu.email ?? "",
    phone: editablePhone(cu.phone, cu.phoneExtension),
    country: cu.country ?? "",
    locale: cu.locale,
    time_zone: cu.timeZone ?? "",
    consent_email: cu.consentEmail ? "on" : "",
    consent_sms: cu.consentSms ? "on" : "",
    consent_voice: cu.consentVoice ? "on" : "",
  };
}

/**
 * Reads the create/edit form. A newly ticked consent box needs a source, stored as
 * `staff: <source>` with the time; unticking withdraws consent (edit only).
 */
function parseCustomerForm(
  body: Record<string, unknown>,
  current: Customer | undefined,
  staffName: string,
  home: string,
) {
  const was = {
    email: current?.consentEmail ?? false,
    sms: current?.consentSms ?? false,
    voice: current?.consentVoice ?? false,
  };
  const consent: ConsentInput = {};
  for (const ch of CHANNELS) {
    const ticked = flag.safeParse(body[`consent_${ch}`]).data === true;
    if (ticked || current) consent[ch] = ticked;
  }
  // The form has no extension field: it is typed with the number (the edit form shows it so).
  const parsed = customerFields(home).safeParse({ ...body, phone_extension: undefined, consent });
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  const source = optionalText(200).safeParse(body.consent_source);
  if (!source.success) errors.consent_source = source.error.issues[0]!.message;
  else if (!source.data && CHANNELS.some((ch) => consent[ch] && !was[ch])) {
    errors.consent_source =
      "Consent source is required when you tick a consent box: say how they agreed, e.g. “signed form at picture day”";
  }
  if (!parsed.success || Object.keys(errors).length) return { ok: false as const, errors };
  return { ok: true as const, fields: parsed.data, source: `staff: ${source.data ?? `changed by ${staffName}`}` };
}

async function namesakes(c: Ctx, address: string | null | undefined, exceptId?: number) {
  const valid = email.safeParse(address ?? "");
  return valid.success ? customersWithEmail(c.get("deps").db, valid.data, exceptId) : [];
}

const studioZone = async (c: Ctx) => (await getSettings(c.get("deps").db)).timeZone;

type PageExtras = {
  registerValues?: Values;
  registerErrors?: FieldErrors;
  orderValues?: Values;
  orderErrors?: FieldErrors;
  flash?: Flash;
};

async function renderCustomer(c: Ctx, cu: Customer, extra: PageExtras = {}, status: 200 | 422 = 200) {
  const { db, clock } = c.get("deps");
  const [registrations, orders, appointments, suppressions, others, messages, settings] = await Promise.all([
    customerRegistrations(db, cu.id),
    customerOrders(db, cu.id),
    customerAppointments(db, cu.id),
    customerSuppressions(db, cu),
    namesakes(c, cu.email, cu.id),
    customerHistory(db, cu.id),
    getSettings(db),
  ]);
  const registerValues = extra.registerValues ?? {};
  const registerJobId = effectiveJobId(registerValues);
  const jobs = await jobChoices(db, [registerJobId, ...registrations.map((r) => r.job.id)]);
  const albums = await albumsOfJobs(db, registerJobId ? [registerJobId] : jobs.map((j) => j.id));
  return c.html(
    CustomerPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      customer: cu,
      country: studioCountry(settings),
      namesakes: others,
      registrations,
      orders,
      appointments,
      suppressions,
      messages,
      jobs,
      albums,
      registerValues,
      registerErrors: extra.registerErrors ?? {},
      registerJobId,
      orderValues: extra.orderValues ?? {
        order_date: staffDay(clock(), settings.timeZone),
        order_job_id: registrations[0] ? String(registrations[0].job.id) : "",
      },
      orderErrors: extra.orderErrors ?? {},
      money: { currency: settings.currency, locale: settings.locale },
      flash: extra.flash ?? null,
      timeZone: settings.timeZone,
    }),
    status,
  );
}

/** The registration form's job: a typed id wins over the select. */
function effectiveJobId(values: Values): number | null {
  const id = Number((values.job_ref || values.job_id || "").trim());
  return Number.isInteger(id) && id > 0 ? id : null;
}

const SAVED_FLASH = { kind: "ok" as const, text: "Saved." };

export const customerRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const query = listQuery.parse(c.req.query());
    const [page, count, settings] = await Promise.all([
      listCustomers(db, query),
      countCustomersUpTo(db, query.q ? ftsQuery(query.q) : null, COUNT_CAP),
      getSettings(db),
    ]);
    const props = {
      rows: page.rows,
      nextBefore: page.nextBefore,
      query,
      count,
      countCap: COUNT_CAP,
      csrf: c.get("csrfToken"),
      country: studioCountry(settings),
      timeZone: settings.timeZone,
    };
    if (isPartial(c)) return c.html(CustomersResults(props));
    return c.html(CustomersPage({ ...props, user: c.get("user")! }));
  })
  .get("/new", async (c) => {
    const { db } = c.get("deps");
    const country = studioCountry(await getSettings(db));
    return c.html(
      CustomerForm({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        values: { locale: await studioLocale(db) },
        errors: {},
        namesakes: [],
        country,
        timeZone: await studioZone(c),
      }),
    );
  })
  .get("/email-check", async (c) =>
    c.html(
      EmailNotice({ others: await namesakes(c, c.req.query("email"), idParam.safeParse(c.req.query("except")).data) }),
    ),
  )
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    const user = c.get("user")!;
    const body = await c.req.parseBody();
    const country = studioCountry(await getSettings(db));
    const form = parseCustomerForm(body, undefined, user.name, country);
    if (!form.ok) {
      const others = await namesakes(c, String(body.email ?? ""));
      return c.html(
        CustomerForm({
          user,
          csrf: c.get("csrfToken"),
          values: typedValues(body),
          errors: form.errors,
          namesakes: others,
          country,
          timeZone: await studioZone(c),
        }),
        422,
      );
    }
    const customer = await createCustomer(db, form.fields, form.source, clock());
    await audit(db, { userId: user.id }, "created", "customer", customer.id);
    return c.redirect(`/customers/${customer.id}?saved=1`, 303);
  })
  .get("/:id", async (c) =>
    renderCustomer(c, await loadCustomer(c), { flash: c.req.query("saved") ? SAVED_FLASH : null }),
  )
  .get("/:id/edit", async (c) => {
    const cu = await loadCustomer(c);
    const home = studioCountry(await getSettings(c.get("deps").db));
    return c.html(
      CustomerForm({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        customer: cu,
        values: customerValues(cu),
        errors: {},
        namesakes: await namesakes(c, cu.email, cu.id),
        country: home,
        timeZone: await studioZone(c),
      }),
    );
  })
  .post("/:id", async (c) => {
    const { db, clock } = c.get("deps");
    const user = c.get("user")!;
    const cu = await loadCustomer(c);
    const body = await c.req.parseBody();
    const country = studioCountry(await getSettings(db));
    const form = parseCustomerForm(body, cu, user.name, country);
    if (!form.ok) {
      const others = await namesakes(c, String(body.email ?? ""), cu.id);
      return c.html(
        CustomerForm({
          user,
          csrf: c.get("csrfToken"),
          customer: cu,
          values: typedValues(body),
          errors: form.errors,
          namesakes: others,
          country,
          timeZone: await studioZone(c),
        }),
        422,
      );
    }
    await updateCustomer(db, cu, form.fields, form.source, clock());
    await audit(db, { userId: user.id }, "updated", "customer", cu.id);
    return c.redirect(`/customers/${cu.id}?saved=1`, 303);
  })
  .get("/:id/album-field", async (c) => {
    const { db } = c.get("deps");
    await loadCustomer(c); // 404 for an unknown customer
    const values = { job_id: c.req.query("job_id") ?? "", job_ref: c.req.query("job_ref") ?? "" };
    const jobId = effectiveJobId(values);
    const jobs = await jobChoices(db, [jobId]);
    const albums = await albumsOfJobs(db, jobId ? [jobId] : jobs.map((j) => j.id));
    return c.html(AlbumField({ jobs, albums, jobId, values: {}, errors: {} }));
  })
  .post("/:id/registrations", async (c) => {
    const { db, clock } = c.get("deps");
    const cu = await loadCustomer(c);
    const body = await c.req.parseBody();
    const values = typedValues(body);
    const refuse = (errors: FieldErrors) =>
      renderCustomer(c, cu, { registerValues: values, registerErrors: errors }, 422);
    const parsed = registrationForm.safeParse(body);
    if (!parsed.success) return refuse(fieldErrors(parsed.error));
    const f = parsed.data;
    const jobId = f.job_ref ?? f.job_id;
    if (!jobId) return refuse({ job_id: "Choose a job, or type its id" });
    const job = await getJob(db, jobId);
    if (!job) return refuse({ [f.job_ref ? "job_ref" : "job_id"]: `There is no job with id ${jobId}` });
    if (f.album_id && !(await albumsOfJobs(db, [job.id])).some((a) => a.id === f.album_id)) {
      return refuse({ album_id: `This album does not belong to “${job.name}”: pick one of its albums` });
    }
    // Registering again updates the registration; blank fields keep what it has.
    const current = (await customerRegistrations(db, cu.id)).find((r) => r.job.id === job.id)?.registration;
    const now = clock();
    const input = {
      jobId: job.id,
      customerId: cu.id,
      albumId: f.album_id ?? undefined,
      accessCode: f.access_code,
      photosAvailableAt: f.photos_available ? (current?.photosAvailableAt ?? now) : undefined,
      photosCount: f.photos_count,
    };
    await upsertRegistration(db, input, "ui", now);
    await audit(db, { userId: c.get("user")!.id }, "registered", "customer", cu.id, { jobId: job.id });
    return c.redirect(`/customers/${cu.id}#registrations`, 303);
  })
  .post("/:id/orders", async (c) => {
    const { db, clock } = c.get("deps");
    const cu = await loadCustomer(c);
    const body = await c.req.parseBody();
    const refuse = (errors: FieldErrors) =>
      renderCustomer(c, cu, { orderValues: typedValues(body), orderErrors: errors }, 422);
    const { currency, locale, timeZone } = await getSettings(db);
    const parsed = orderForm(currency, locale, timeZone).safeParse(body);
    if (!parsed.success) return refuse(fieldErrors(parsed.error));
    const job = await getJob(db, parsed.data.order_job_id!);
    if (!job) return refuse({ order_job_id: `There is no job with id ${parsed.data.order_job_id}` });
    const order = await createOrder(
      db,
      {
        jobId: job.id,
        customerId: cu.id,
        amountMinor: parsed.data.amount,
        currency,
        orderedAt: parsed.data.order_date,
      },
      "ui",
      clock(),
    );
    await audit(db, { userId: c.get("user")!.id }, "created", "order", order.id, { customerId: cu.id, jobId: job.id });
    return c.redirect(`/customers/${cu.id}#orders`, 303);
  });
