// CSV import of customers (SPEC I2): upload → preview (every bad row reported) → import in one
// transaction → result. The preview carries the file's text, so both steps parse the same data.
import { Hono } from "hono";
import { z } from "zod";
import { type BadRow, decodeCsv, MAX_CSV_BYTES, parseCsv, rowValidator } from "../core/csv-import.ts";
import { type FieldErrors, flag, optionalIdRef, optionalText } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { importCustomers, planImport } from "../db/customer-import.ts";
import { jobChoices } from "../db/jobs.ts";
import { getJob } from "../db/jobs.ts";
import { getSettings } from "../db/settings.ts";
import { studioCountry } from "../core/country.ts";
import type { Job } from "../db/schema.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { formId, typedValues } from "../http/form-values.ts";
import { ImportPreviewPage, ImportResultPage, ImportUploadPage } from "../../views/customer-import.tsx";
import type { Values } from "../core/form-state.ts";

const settingsForm = z.object({
  job_id: optionalIdRef,
  consent_source: optionalText(200),
  lawful: flag,
  file_name: z.string().trim().max(200).catch(""),
});

const SAMPLE = `first_name,last_name,email,phone,album,access_code,consent_email,consent_sms
Anna,Smith,anna.smith@example.com,+1 212 555 0101,Class 3B,AB12CD,yes,no
Ben,Jones,ben.jones@example.com,,Class 3B,EF34GH,yes,yes
`;

/** The file's text: a fresh upload, or the text a preview carried along. */
async function readCsv(
  body: Record<string, unknown>,
): Promise<{ text: string; fileName: string; note?: string } | { error: string }> {
  const file = body.file;
  if (file instanceof File && (file.size > 0 || file.name)) {
    if (file.size > MAX_CSV_BYTES)
      return {
        error: `The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_CSV_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
      };
    const decoded = decodeCsv(new Uint8Array(await file.arrayBuffer()));
    return "error" in decoded ? decoded : { ...decoded, fileName: file.name || "upload.csv" };
  }
  if (typeof body.csv === "string" && body.csv.trim() !== "") {
    const decoded = decodeCsv(new TextEncoder().encode(body.csv.replace(/^\r?\n/, "")));
    return "error" in decoded ? decoded : { text: decoded.text, fileName: String(body.file_name || "upload.csv") };
  }
  return { error: "Choose a CSV file to upload." };
}

type Step =
  | { kind: "upload"; errors: FieldErrors }
  | { kind: "preview"; props: Parameters<typeof ImportPreviewPage>[0]; job: Job | null };

/**
 * Everything preview and import share: read, parse and check the file, check the settings,
 * and plan which rows create and which update customers.
 */
async function prepare(c: Ctx, body: Record<string, unknown>): Promise<Step> {
  const { db } = c.get("deps");
  const settings = settingsForm.safeParse(body);
  const errors: FieldErrors = {};
  if (!settings.success) for (const issue of settings.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const job = settings.data?.job_id ? ((await getJob(db, settings.data.job_id)) ?? null) : null;
  if (settings.data?.job_id && !job) errors.job_id = `There is no job with id ${settings.data.job_id}`;
  const upload = await readCsv(body);
  const parsed = "error" in upload ? upload : parseCsv(upload.text);
  if ("error" in parsed) errors.file = parsed.error;
  if (Object.keys(errors).length || "error" in parsed || "error" in upload) return { kind: "upload", errors };

  // A part at a time, letting other requests in between: 50,000 rows take seconds to check.
  const country = studioCountry(await getSettings(db));
  const validator = rowValidator({ consentSource: settings.data!.consent_source, studioCountry: country });
  for (let i = 0; i < parsed.rows.length; i += 2_000) {
    validator.check(parsed.rows.slice(i, i + 2_000));
    await Bun.sleep(0);
  }
  const { good, bad } = validator.result;
  const plan = await planImport(db, good);
  const notes = [
    ...(upload.note ? [upload.note] : []),
    ...(!job && (parsed.columns.includes("album") || parsed.columns.includes("access_code"))
      ? ["The file has album or access code columns, but no job is chosen: they are ignored unless you pick a job."]
      : []),
  ];
  return {
    kind: "preview",
    job,
    props: {
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      fileName: upload.fileName,
      csv: upload.text,
      mapping: parsed.mapping,
      notes,
      good: plan.rows,
      bad: [...bad, ...plan.conflicts].sort((a, b) => a.line - b.line),
      country,
      jobs: await jobChoices(db, [job?.id]),
      values: typedValues(body, ["csv"]),
      errors: {},
    },
  };
}

async function uploadPage(c: Ctx, values: Values, errors: FieldErrors, status: 200 | 422) {
  const jobId = formId(values.job_id);
  const jobs = await jobChoices(c.get("deps").db, [jobId]);
  return c.html(ImportUploadPage({ user: c.get("user")!, csrf: c.get("csrfToken"), jobs, values, errors }), status);
}

export const customerImportRoutes = new Hono<AppEnv>()
  .get("/", (c) => uploadPage(c, { job_id: c.req.query("job_id") ?? "" }, {}, 200))
  .get("/sample.csv", (c) =>
    c.body(SAMPLE, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="pigeon-customers-sample.csv"',
    }),
  )
  .post("/preview", async (c) => {
    const body = await c.req.parseBody();
    const step = await prepare(c, body);
    if (step.kind === "upload") return uploadPage(c, typedValues(body, ["csv"]), step.errors, 422);
    return c.html(ImportPreviewPage(step.props));
  })
  .post("/", async (c) => {
    const { db, clock, log } = c.get("deps");
    const body = await c.req.parseBody();
    const step = await prepare(c, body);
    if (step.kind === "upload") return uploadPage(c, typedValues(body, ["csv"]), step.errors, 422);
    const p = step.props;
    if (!flag.safeParse(body.lawful).data) {
      return c.html(
        ImportPreviewPage({
          ...p,
          errors: { lawful: "Tick this to import: only import people you may lawfully contact." },
        }),
        422,
      );
    }
    if (p.good.length === 0)
      return c.html(
        ImportPreviewPage({
          ...p,
          flash: { kind: "bad", text: "There are no rows to import: fix the reported rows and preview again." },
        }),
        422,
      );
    const consentSource = `${String(body.consent_source ?? "").trim() || `file ${p.fileName}`}`;
    let result;
    try {
      result = await importCustomers(db, p.good, { jobId: step.job?.id ?? null, consentSource, now: clock() });
    } catch (error) {
      log("error", "customer import failed", { file: p.fileName, error: String(error) });
      return c.html(
        ImportPreviewPage({
          ...p,
          flash: {
            kind: "bad",
            text: "The import failed and nothing was imported. Try again; if it fails again, check the reported rows.",
          },
        }),
        500,
      );
    }
    const bad: BadRow[] = [...p.bad, ...result.conflicts].sort((a, b) => a.line - b.line);
    await audit(db, { userId: c.get("user")!.id }, "imported", "customers", null, {
      file: p.fileName,
      created: result.created,
      updated: result.updated + result.unchanged,
      reported: bad.length,
      jobId: step.job?.id ?? null,
    });
    return c.html(
      ImportResultPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        fileName: p.fileName,
        result,
        bad,
        job: step.job,
      }),
    );
  });
