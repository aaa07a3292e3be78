/** @jsxImportSource hono/jsx */
// Settings → Studio, the Tracking fieldset (issue 14): tracked links, the open pixel and the
// attribution window, each saying what it does to customers' messages and to the numbers.
import type { FieldErrors } from "../src/core/validation.ts";
import { Checkbox, Field, type Values } from "./form.tsx";

export function TrackingFields({ values: v, errors: e }: { values: Values; errors: FieldErrors }) {
  return (
    <fieldset id="tracking">
      <legend>Tracking</legend>
      {/* Tells the save this fieldset was on the page: an unticked box here means off. */}
      <input type="hidden" name="tracking_shown" value="1" />
      <Checkbox
        name="track_links"
        label="Count clicks on links"
        values={v}
        errors={e}
        hint="On: links in messages go through a short redirect that counts clicks. Off: new messages' links go straight to their address, and clicks on links already sent still forward but are not counted, so they earn no orders. Resend's own click reports still count, if click tracking is on in Resend."
      />
      <Checkbox
        name="track_opens"
        label="Add an open pixel to e-mails"
        values={v}
        errors={e}
        hint="A tiny invisible picture that counts opens. Opens are an estimate: Apple Mail loads every picture whether the e-mail is read or not, and some mail apps block pictures."
      />
      {/* A box sized for a number of days; its hint keeps the fieldset's width. */}
      <div class="field-number">
        <Field
          name="attribution_days"
          label="Attribution window (days)"
          type="number"
          values={v}
          errors={e}
          hint="An order this many days (1–90) after a customer's click counts for that message; the last click wins. A change applies to orders written from now on."
        />
      </div>
    </fieldset>
  );
}
