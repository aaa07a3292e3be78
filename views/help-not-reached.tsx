/** @jsxImportSource hono/jsx */
// Help: "Why doesn't everyone get my message?" (issue 14). One section per skip reason Pigeon can
// record, anchored by the reason (`#landline`; every `missing:<key>` shares `#missing`), so each
// place that names a reason links straight to its explanation (src/core/labels.ts
// skipReasonHelpUrl); then what only looks like a skip: waiting for the window, held, not in the
// audience. The table is typed by SKIP_REASONS, so a new reason without help does not compile.
import type { Child } from "hono/jsx";
import { NOT_DELIVERED_LABELS, SKIP_REASON_LABELS } from "../src/core/labels.ts";
import type { SKIP_REASONS } from "../src/core/recipients.ts";
import { type Common, Page, PageHead } from "./layout.tsx";

type Help = { title: string; means: Child; sees: Child; can: Child };
type Reason = (typeof SKIP_REASONS)[number];

const customers = <a href="/customers">Customers</a>;
const sending = <a href="/settings">Settings → Studio</a>;
/** Settings are the owner's (requireOwner): other staff are told whom to ask, not sent to a page that refuses them. */
const WINDOW_FOR_STAFF =
  "Ask the studio owner: the window is set under Settings → Studio (Sending), and what waits follows the new one as soon as it is saved.";
const ONLY_CUSTOMER =
  "Only the customer can undo this: the preferences link at the foot of any e-mail, or replying START to a text. Pigeon never overrides an opt-out, and neither should staff: it is the law in most countries.";

/** Every skip reason, keyed as stored. */
export const SKIP_REASON_HELP: Record<Reason, Help> = {
  no_address: {
    title: SKIP_REASON_LABELS.no_address,
    means: "The customer has no e-mail address (for e-mail) or no phone number (for SMS and calls).",
    sees: "Nothing: they are not contacted on that channel.",
    can: <>Add the address on the customer's Edit page ({customers}), or send on a channel they have.</>,
  },
  no_consent: {
    title: SKIP_REASON_LABELS.no_consent,
    means:
      "The customer has not agreed to be contacted on this channel. Marketing (one-time messages, profile notifications) needs consent; the automated appointment messages do not.",
    sees: "Nothing on that channel.",
    can: (
      <>
        If the customer agreed (on a form, in person), tick <em>Consent to be contacted</em> on their Edit page (
        {customers}) and say how they agreed. Never tick it without their agreement.
      </>
    ),
  },
  unsubscribed: {
    title: SKIP_REASON_LABELS.unsubscribed,
    means:
      "The customer used the unsubscribe or preferences link of an earlier message. It stops marketing, not appointment messages.",
    sees: "No more marketing on that channel; appointment reminders still come.",
    can: ONLY_CUSTOMER,
  },
  bounced: {
    title: SKIP_REASON_LABELS.bounced,
    means:
      "An earlier e-mail to this address came back for good (the mailbox does not exist or refuses mail), or Resend refused to send to it because it bounced elsewhere (suppressed by Resend). Sending again would hurt the studio's sender reputation.",
    sees: "Nothing: the address does not take mail.",
    can: <>Ask the customer for a working address and change it on their Edit page ({customers}).</>,
  },
  complained: {
    title: SKIP_REASON_LABELS.complained,
    means:
      "The customer marked an earlier e-mail as spam (reported by the mail provider, or Resend refused to send for that reason).",
    sees: "No more e-mail from the studio.",
    can: ONLY_CUSTOMER,
  },
  stop_keyword: {
    title: SKIP_REASON_LABELS.stop_keyword,
    means: "The number replied STOP (or another opt-out word) to a text. The carrier blocks further texts to it too.",
    sees: "No more texts from the studio's number.",
    can: "Only the customer can undo this, by replying START (or YES) to the studio's number.",
  },
  invalid_address: {
    title: SKIP_REASON_LABELS.invalid_address,
    means:
      "The address cannot be sent to: an e-mail address that is not one, or a phone number the provider says does not exist.",
    sees: "Nothing.",
    can: <>Correct the address on the customer's Edit page ({customers}).</>,
  },
  landline: {
    title: SKIP_REASON_LABELS.landline,
    means: "The number is a landline (the number lookup says so): it cannot receive texts.",
    sees: "No text. A voice call (if the message has one) still reaches a landline.",
    can: (
      <>
        Add the customer's mobile number ({customers}), or add a voice call to the message ("only where SMS cannot go").
      </>
    ),
  },
  duplicate_address: {
    title: SKIP_REASON_LABELS.duplicate_address,
    means:
      "Another recipient of the same message has the same address (a family sharing one e-mail or phone): the message goes to that address once.",
    sees: "One copy, not two.",
    can: "Nothing needed. To reach each person apart, give each their own address.",
  },
  cancelled: {
    title: SKIP_REASON_LABELS.cancelled,
    means: "Staff cancelled the message while it was still waiting to go to this recipient.",
    sees: "Nothing.",
    can: <>Write a new message if it should go after all (Messages → New).</>,
  },
  sms_sent_instead: {
    title: SKIP_REASON_LABELS.sms_sent_instead,
    means: 'The message calls only where a text cannot go ("only if no SMS"), and the text went.',
    sees: "The text, no call.",
    can: "Nothing needed.",
  },
  cancelled_by_staff: {
    title: SKIP_REASON_LABELS.cancelled_by_staff,
    means: "Staff cancelled this delivery while it was held for review (Outbox → Held → Cancel).",
    sees: "Nothing.",
    can: (
      <>
        See <a href="/outbox?status=held">held deliveries</a> for others still waiting for a decision.
      </>
    ),
  },
  empty_message: {
    title: SKIP_REASON_LABELS.empty_message,
    means:
      "Once its placeholders were filled for this recipient, the text was empty (for instance a body made only of a value they lack).",
    sees: "Nothing: an empty message is never sent.",
    can: "Edit the message or notification so it says something without the value, or give the value.",
  },
  customer_removed: {
    title: SKIP_REASON_LABELS.customer_removed,
    means: "The customer was removed before the message went: the import that added them was taken back.",
    sees: "Nothing.",
    can: <>Import the customer again ({customers} → Import) if they should get it.</>,
  },
  appointment_cancelled: {
    title: SKIP_REASON_LABELS.appointment_cancelled,
    means: "The message was about an appointment that was cancelled before it went.",
    sees: "No reminder for an appointment that no longer exists.",
    can: (
      <>
        Nothing needed. To tell the customer, send one message after the cancellation (
        <a href="/appointments">Appointments</a>).
      </>
    ),
  },
};

const MISSING: Help = {
  title: "No value for a placeholder ({{…}})",
  means:
    "The text uses a placeholder, like {{customer.first_name}} or {{job.gallery_url}}, that has no value for this recipient, and the message cannot do without it (the page names the placeholder).",
  sees: "Nothing: Pigeon does not send “Dear ,”.",
  can: (
    <>
      Fill in the value (the customer's Edit page in {customers}, or the job's page), or give the placeholder a fallback
      in the text, then send again to those left out.
    </>
  ),
};

/** Sent, but the provider could not deliver it: the message page shows the provider's words beside the link. */
const NOT_DELIVERED: [string, Help][] = [
  [
    "failed",
    {
      title: NOT_DELIVERED_LABELS.failed,
      means:
        "Resend or Twilio refused the message or gave up on it (the message page shows what they said: a wrong address, an account limit, an outage that lasted).",
      sees: "Nothing.",
      can: "Read the provider's words on the delivery's page; fix the address or the account, then send again to those left out.",
    },
  ],
  [
    "undelivered",
    {
      title: NOT_DELIVERED_LABELS.undelivered,
      means:
        "Twilio accepted the text or call, but the phone network could not deliver it (the phone is off for days, the number no longer exists, or the carrier filtered it).",
      sees: "Nothing.",
      can: "Check the number with the customer; a text filtered as spam often passes with fewer links and the studio's name at the start.",
    },
  ],
];

/** What only looks like a skip: these recipients are not "not reached" for good. */
const NOT_SKIPPED: [string, Help][] = [
  [
    "sending-window",
    {
      title: "Waiting for the sending window (quiet hours)",
      means:
        "Texts, calls and automated e-mails go only inside the sending window, in the recipient's own time zone when Pigeon knows it. Outside it they wait; they are not skipped.",
      sees: "The message when the window opens.",
      can: <>Change the window under {sending} (Sending); what waits follows the new one as soon as you save.</>,
    },
  ],
  [
    "held",
    {
      title: "Held for review",
      means:
        "Pigeon held the delivery instead of sending: it was due long ago (after an outage), or a send's outcome is unknown and sending again could send twice.",
      sees: "Nothing until staff decide.",
      can: (
        <>
          Release or cancel it in the <a href="/outbox?status=held">Outbox (held)</a>.
        </>
      ),
    },
  ],
  [
    "audience",
    {
      title: "Not in the audience",
      means:
        "The message's filters (jobs, statuses, years, buyers or not, with photos or not) leave the customer out, or they are not registered to the job. They are not counted as skipped: they were never recipients.",
      sees: "Nothing.",
      can: "Check the message's filters before sending; the review shows who is in and who is left out, and why.",
    },
  ],
];

function Section({ id, h }: { id: string; h: Help }) {
  return (
    <section id={id} class="help-reason">
      <h2>
        <a href={`#${id}`}>{h.title}</a>
      </h2>
      <dl>
        <dt>What it means</dt>
        <dd>{h.means}</dd>
        <dt>What the customer sees</dt>
        <dd>{h.sees}</dd>
        <dt>What you can do</dt>
        <dd>{h.can}</dd>
      </dl>
    </section>
  );
}

export function NotReachedHelpPage(p: Common) {
  const reasons = Object.entries(SKIP_REASON_HELP) as [Reason, Help][];
  return (
    <Page title="Why doesn't everyone get my message?" user={p.user} csrf={p.csrf}>
      <PageHead title="Why doesn't everyone get my message?" />
      <p>
        Pigeon never leaves anyone out silently: every recipient it does not send to is recorded with a reason, and each
        reason it shows links here. Some are the customer's choice and only they can change them; others staff can fix.
      </p>
      {/* Not a <nav>: Pico lays a nav's list out in one row, too wide for a phone. */}
      <div class="help-toc" role="navigation" aria-label="Reasons">
        <ul>
          {reasons.map(([id, h]) => (
            <li>
              <a href={`#${id}`}>{h.title}</a>
            </li>
          ))}
          <li>
            <a href="#missing">{MISSING.title}</a>
          </li>
          {NOT_DELIVERED.map(([id, h]) => (
            <li>
              <a href={`#${id}`}>{h.title}</a>
            </li>
          ))}
          {NOT_SKIPPED.map(([id, h]) => (
            <li>
              <a href={`#${id}`}>{h.title}</a> <span class="muted">(not skipped)</span>
            </li>
          ))}
        </ul>
      </div>
      {reasons.map(([id, h]) => (
        <Section id={id} h={h} />
      ))}
      <Section id="missing" h={MISSING} />
      {NOT_DELIVERED.map(([id, h]) => (
        <Section id={id} h={h} />
      ))}
      <h2>Not skipped, but not sent yet</h2>
      {NOT_SKIPPED.map(([id, h]) => (
        <Section id={id} h={id === "sending-window" && p.user.role !== "owner" ? { ...h, can: WINDOW_FOR_STAFF } : h} />
      ))}
    </Page>
  );
}
