/** @jsxImportSource hono/jsx */
// The explicit Send step (SPEC O5): the confirmation that states how many will receive the
// message on each channel and who will not, before it is armed.
import { CHANNEL_IN_SENTENCE, CHANNEL_LABELS } from "../src/core/labels.ts";
import type { Message } from "../src/db/messages.ts";
import { Csrf } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";
import type { ChannelCount } from "../src/core/message-pages.ts";
import { countWords } from "./message-recipients.tsx";
import { nf, plural } from "./messages.tsx";
import type { Common } from "./layout.tsx";
import type { Language } from "../src/core/i18n/translate.ts";
import { MessageFiles, type MessageFilesProps } from "./message-files.tsx";
import { smsInfo, withOptOutHint } from "../src/core/sms-text.ts";
import { SkipReason } from "./skip-reason.tsx";

export type ConfirmProps = Common & {
  message: Message;
  who: string;
  counts: ChannelCount[];
  when: string;
  problem?: string | null;
  /** Recipients by the language Pigeon speaks to them in; said when there is more than one. */
  languages?: { language: Language; n: number }[];
  /** Of the appointments chosen on the list, how many are cancelled: warned of, not refused. */
  cancelled?: { n: number; of: number } | null;
  /** Its attachments and MMS pictures, with who gets the text without the pictures. */
  files?: MessageFilesProps;
  /** The opt-out line in the studio's language, counted in what each SMS costs. */
  optOutHint?: string;
};

const LANGUAGE_NAMES: Record<Language, string> = { en: "English", de: "German", fr: "French", es: "Spanish" };

/** "it goes to 2 recipients by e-mail." */
export const armedPhrase = (counts: ChannelCount[]) =>
  confirmQuestion(counts)
    .replace(/^Send to /, "it goes to ")
    .replace(/\?$/, ".");

/** What a count counts: recipients, or for a message to appointments appointments (one message each). */
const unitOf = (counts: ChannelCount[]) =>
  counts.some((c) => c.customers !== undefined) ? "appointment" : "recipient";

/**
 * "Send to 1,234 recipients by e-mail and 456 by SMS?"; "Send to 3 appointments by SMS?". A
 * channel nobody gets it by is left out, unless that leaves nothing; calls that go only if their
 * SMS cannot are named as such.
 */
export function confirmQuestion(counts: ChannelCount[]): string {
  return `Send to ${goesTo(counts)}?`;
}

/** Whom it goes to, as the confirm question says it ("73 recipients by e-mail"): also the dashboard's words. */
export function goesTo(counts: ChannelCount[]): string {
  const going = counts.filter((c) => c.willReceive > 0);
  const shown = going.length ? going : counts.slice(0, 1);
  const parts = shown.map(
    (c, i) =>
      `${i === 0 ? plural(c.willReceive, unitOf(counts)) : nf(c.willReceive)} ${CHANNEL_IN_SENTENCE[c.channel]}`,
  );
  const joined = parts.length < 2 ? (parts[0] ?? "nobody") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  const maybe = counts.find((c) => c.ifSmsCannot)?.ifSmsCannot;
  return `${joined}${maybe ? `, and call ${nf(maybe)} more if their number cannot take SMS` : ""}`;
}

/**
 * "Send to 73 recipients" when it goes by one channel; by several, what goes out is counted as
 * messages ("Send 111 messages"): a customer reached by e-mail and SMS is two of them, and calling
 * that two recipients would promise more people than there are.
 */
function sendButton(counts: ChannelCount[], total: number, scheduled: boolean): string {
  const verb = scheduled ? "Schedule" : "Send";
  const channels = counts.filter((c) => c.willReceive > 0).length;
  if (channels > 1) return `${verb} ${plural(total, "message")}`;
  return `${scheduled ? "Schedule it" : "Send"} to ${plural(total, unitOf(counts))}`;
}

/**
 * What each SMS costs, counted on the SMS's own text as written with the opt-out line every
 * one-time SMS gets (placeholders unfilled): the preview on the compose page counts it for a
 * real recipient.
 */
function SmsCost({ text, hint }: { text: string; hint?: string }) {
  const info = smsInfo(withOptOutHint(text, { required: true, hint }));
  return (
    <>
      <dt class="muted">SMS</dt>
      <dd class="sms-cost">
        {plural(info.segments, "segment")} each ({nf(info.characters)} characters, {info.encoding}) as written, with the
        opt-out line; placeholders can add to it.
      </dd>
    </>
  );
}

export function ConfirmPage(p: ConfirmProps) {
  const m = p.message;
  const total = p.counts.reduce((a, c) => a + c.willReceive, 0);
  // A call not placed because its SMS goes is no one left out: said on its own line.
  const smsInstead = p.counts.reduce(
    (a, c) => a + (c.excluded.find((x) => x.reason === "sms_sent_instead")?.n ?? 0),
    0,
  );
  const calledInstead = p.counts.reduce((a, c) => a + (c.calledInstead ?? 0), 0);
  const notReached = p.counts.map((c) => ({
    ...c,
    excluded: c.excluded.filter((x) => x.reason !== "sms_sent_instead"),
  }));
  return (
    <Page title={`Send ${m.name}`} user={p.user} csrf={p.csrf} section="messages">
      <p>
        <a href={`/messages/${m.id}`}>← {m.name}</a>
      </p>
      <PageHead title={`Send “${m.name}”`} />
      <article class="confirm">
        <h2 class="question">{confirmQuestion(p.counts)}</h2>
        {p.cancelled && p.cancelled.n > 0 && (
          <p class="flash info cancelled-appointments" role="note">
            {p.cancelled.n === p.cancelled.of && p.cancelled.of === 1
              ? "This appointment is cancelled."
              : `${nf(p.cancelled.n)} of these ${nf(p.cancelled.of)} appointments ${p.cancelled.n === 1 ? "is" : "are"} cancelled.`}{" "}
            Send only if the message is meant for them too (say, to tell them why or to book again).
          </p>
        )}
        <dl>
          <dt class="muted">Who</dt>
          <dd>{m.toAddress ?? p.who}</dd>
          {p.counts[0]?.customers !== undefined && (
            <>
              <dt class="muted">Messages</dt>
              <dd>
                One per appointment, about its own: {countWords(p.counts[0].matched, p.counts[0].customers)} match.
              </dd>
            </>
          )}
          <dt class="muted">When</dt>
          <dd>{p.when}</dd>
          {p.languages && p.languages.length > 1 && (
            <>
              <dt class="muted">Languages</dt>
              <dd class="languages">
                {p.languages.map((l) => `${nf(l.n)} ${LANGUAGE_NAMES[l.language]}`).join(", ")}. Each gets the footer,
                the opt-out line and dates in their own language; the text goes as you wrote it.
              </dd>
            </>
          )}
          {m.subject && m.channels.includes("email") && (
            <>
              <dt class="muted">Subject</dt>
              <dd>{m.subject}</dd>
            </>
          )}
          {p.files && <MessageFiles {...p.files} />}
          {m.channels.includes("sms") && <SmsCost text={m.smsBody} hint={p.optOutHint} />}
        </dl>
        {p.counts.map((c) =>
          c.unchecked ? (
            <p class="muted unchecked">
              {nf(c.unchecked)} of the numbers {c.unchecked === 1 ? "has" : "have"} not been checked yet: Pigeon checks
              each before sending, and a landline gets the call instead of the SMS.
            </p>
          ) : null,
        )}
        {smsInstead + calledInstead > 0 && (
          <p class="sms-or-call">
            SMS or call:{" "}
            {[
              smsInstead &&
                `${nf(smsInstead)} ${smsInstead === 1 ? "gets" : "get"} the SMS, so their call is not needed`,
              calledInstead &&
                `${nf(calledInstead)} cannot take SMS and ${calledInstead === 1 ? "is" : "are"} called instead`,
            ]
              .filter(Boolean)
              .join("; ")}
            .
          </p>
        )}
        {notReached.some((c) => c.excluded.length) && (
          <details>
            <summary>Who will not get it, and why</summary>
            <ul>
              {notReached.flatMap((c) =>
                c.excluded.map((x) => (
                  <li>
                    {CHANNEL_LABELS[c.channel]}: {nf(x.n)} · <SkipReason reason={x.reason} inSentence />
                  </li>
                )),
              )}
            </ul>
          </details>
        )}
        {p.problem && (
          <p class="flash bad" role="alert">
            {p.problem}
          </p>
        )}
        <div class="status-buttons">
          {!p.problem && (
            <form method="post" action={`/messages/${m.id}/send`}>
              <Csrf token={p.csrf} />
              <button type="submit">{sendButton(p.counts, total, !!m.sendAt)}</button>
            </form>
          )}
          <a role="button" class="secondary outline" href={`/messages/${m.id}/edit`}>
            Back to editing
          </a>
        </div>
        <p class="muted">
          <small>
            Until it starts you can still edit or cancel it; while it goes out you can pause, resume or cancel it.
          </small>
        </p>
      </article>
    </Page>
  );
}
