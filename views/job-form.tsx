/** @jsxImportSource hono/jsx */
// A job's create/edit form.
import type { FieldErrors } from "../src/core/validation.ts";
import { JOB_STATUS_LABELS } from "../src/core/labels.ts";
import type { Job } from "../src/db/schema.ts";
import { JOB_STATUSES, JOB_TYPES } from "../src/core/vocabulary.ts";
import { Csrf, Field, FormErrors, Select, TextArea, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";

export function JobForm(
  p: Common & { job?: Job; values: Values; errors: FieldErrors; profiles: { id: number; name: string }[] },
) {
  const action = p.job ? `/jobs/${p.job.id}` : "/jobs";
  const v = p.values;
  const e = p.errors;
  return (
    <Page title={p.job ? `Edit ${p.job.name}` : "New job"} user={p.user} csrf={p.csrf} section="jobs">
      <PageHead title={p.job ? `Edit “${p.job.name}”` : "New job"} />
      <FormErrors errors={e} />
      <form method="post" action={action} novalidate>
        <Csrf token={p.csrf} />
        <Field
          name="name"
          label="Name"
          values={v}
          errors={e}
          required
          placeholder="Lincoln Elementary – Fall portraits"
        />
        <div class="grid-2">
          <Select name="type" label="Type" values={v} errors={e} options={JOB_TYPES} />
          <Field
            name="year"
            label="Year"
            type="number"
            values={v}
            errors={e}
            placeholder="2026"
            hint="Defaults to the picture day's year."
          />
          {!p.job && (
            <Select
              name="status"
              label="Status"
              values={v}
              errors={e}
              options={JOB_STATUSES.map((s) => [s, JOB_STATUS_LABELS[s]] as [string, string])}
            />
          )}
          <Field
            name="time_zone"
            label="Time zone"
            values={v}
            errors={e}
            placeholder="Europe/Berlin"
            hint="Blank uses the studio's time zone."
          />
        </div>
        <fieldset>
          <legend>Dates</legend>
          <div class="grid-2">
            <Field name="shoot_date" label="Picture day" type="date" values={v} errors={e} />
            <Field name="selling_start" label="Selling starts" type="date" values={v} errors={e} />
            <Field name="coupon_deadline" label="Coupon deadline" type="date" values={v} errors={e} />
            <Field name="shipping_deadline" label="Free shipping deadline" type="date" values={v} errors={e} />
            <Field name="archive_date" label="Archive date (photos expire)" type="date" values={v} errors={e} />
          </div>
        </fieldset>
        <Field
          name="gallery_url"
          label="Gallery URL"
          type="url"
          values={v}
          errors={e}
          placeholder="https://shop.example.com/lincoln"
        />
        <TextArea
          name="custom_text"
          label="Custom text"
          values={v}
          errors={e}
          hint="Shown in messages through {{job.custom_text}}."
        />
        <Select
          name="profile_id"
          label="Communication profile"
          values={v}
          errors={e}
          blank="None"
          options={p.profiles.map((pr) => [String(pr.id), pr.name] as [string, string])}
        />
        <div class="status-buttons">
          <button type="submit">{p.job ? "Save job" : "Create job"}</button>
          <a role="button" class="secondary outline" href={p.job ? `/jobs/${p.job.id}` : "/jobs"}>
            Cancel
          </a>
        </div>
      </form>
    </Page>
  );
}
