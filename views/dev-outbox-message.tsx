/** @jsxImportSource hono/jsx */
// One message the dev outbox kept, in full, exactly as it would have been sent: its own page, and
// also shown on its delivery's page.
import type { FC } from "hono/jsx";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import { CALL_LANGUAGES, CALL_VOICES } from "../src/core/call-voices.ts";
import { withoutOpenPixel } from "../src/core/tracked-links.ts";
import type { DevOutboxRow } from "../src/db/outbox-list.ts";
import { second, type Zoned } from "./delivery-parts.tsx";
import type { Common } from "./layout.tsx";
import { Page, PageHead } from "./layout.tsx";
import { Csrf } from "./form.tsx";
import { DevOutboxFileList } from "./dev-outbox-files.tsx";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };

/**
 * The preview line (preheader) an inbox would show, read back from the HTML as sent: React
 * Email's hidden preview block, its text before the padding. Null when the e-mail has none.
 */
export function preheaderOf(html: string | null): string | null {
  const found = html?.match(/data-skip-in-text="true">([^<]*)/)?.[1];
  if (!found) return null;
  return found.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, n: string) => ENTITIES[n]!).trim() || null;
}

/**
 * The message exactly as the dev outbox received it: headers, the HTML sandboxed, the text part;
 * for a call, the script its TwiML reads out (`script`, the delivery's text as sent).
 */
export const SentMessage: FC<{ entry: DevOutboxRow; script?: string | null; call?: CallShown | null; tz: string }> = ({
  entry: e,
  script,
  call,
  tz,
}) => {
  const headers = Object.entries(e.headers ?? {});
  return (
    <article class="sent-message">
      <dl>
        <dt class="muted">From</dt>
        <dd>{e.fromAddress}</dd>
        <dt class="muted">To</dt>
        <dd>{e.toAddress}</dd>
        {e.subject !== null && (
          <>
            <dt class="muted">Subject</dt>
            <dd>
              <strong>{e.subject}</strong>
            </dd>
          </>
        )}
        {e.channel === "email" && preheaderOf(e.html) && (
          <>
            <dt class="muted">Preview line</dt>
            <dd>{preheaderOf(e.html)}</dd>
          </>
        )}
        <dt class="muted">Received by the dev outbox</dt>
        <dd>
          {second(e.createdAt, tz)} · <code>{e.id}</code>
        </dd>
        {headers.map(([name, value]) => (
          <>
            <dt class="muted">{name}</dt>
            <dd>
              <code class="break-all">{value}</code>
            </dd>
          </>
        ))}
      </dl>
      {e.channel === "email" && (
        <>
          {e.html && (
            <>
              <h3>HTML part</h3>
              <iframe
                sandbox=""
                srcdoc={withoutOpenPixel(e.html)}
                title={`The e-mail to ${e.toAddress} as it was sent`}
                referrerpolicy="no-referrer"
                class="sent-frame"
              ></iframe>
            </>
          )}
          <h3>Text part</h3>
          <pre class="message-text">{e.body}</pre>
          <DevOutboxFileList files={e.files} />
        </>
      )}
      {e.channel === "sms" && (
        <>
          <h3>Text message</h3>
          <pre class="message-text">{e.body}</pre>
          <p class="muted">{e.body.length} characters</p>
          <DevOutboxFileList files={e.files} />
        </>
      )}
      {e.channel === "voice" && (
        <>
          {call?.audioName ? (
            <CallRecording call={call} />
          ) : (
            <>
              <p>Call placed. It says, read out by text-to-speech:</p>
              {script ? (
                <blockquote class="call-script">{script}</blockquote>
              ) : (
                <p class="muted">(its script is no longer on record)</p>
              )}
            </>
          )}
          <p class="muted">
            Then: “Press 9 to stop these calls.” (A voicemail hears the message once, after its beep, without it.)
            Twilio fetches the call from {e.body}.
          </p>
          {!call?.audioName && <p class="muted">{describeVoice(call)}</p>}
        </>
      )}
    </article>
  );
};

/** How a one-time message's call speaks: its voice and language, or the recording it plays. */
export type CallShown = {
  voiceName: string | null;
  voiceLanguage: string | null;
  audioName: string | null;
  /** The recording's address under /media; null once it was deleted. */
  audioStoredName: string | null;
};

/** "Voice: Joanna — English (US), female · language en-US", as the call's <Say> will use them. */
function describeVoice(call: CallShown | null | undefined): string {
  const voice = CALL_VOICES.find((v) => v.id === (call?.voiceName ?? "")) ?? CALL_VOICES[0]!;
  const language =
    voice.language ??
    (call?.voiceLanguage
      ? CALL_LANGUAGES.find((l) => l.id === call.voiceLanguage)?.label
      : "the customer's own language");
  return `Voice: ${voice.id ? voice.label : "Twilio's standard voice"} · in ${language}.`;
}

/** The recording a call plays, with a player; or that it was deleted. */
export const CallRecording: FC<{ call: CallShown }> = ({ call }) =>
  call.audioStoredName ? (
    <div class="call-recording">
      <p>
        Call placed. It plays the recording <strong>{call.audioName}</strong>:
      </p>
      <audio controls preload="none" src={`/media/${call.audioStoredName}`}></audio>
    </div>
  ) : (
    <p class="muted">Its recording “{call.audioName}” was deleted since.</p>
  );

/** A kept message with the delivery it belongs to and, for a call, the script it read out and how it speaks. */
export type DevRow = { entry: DevOutboxRow; deliveryId: number | null; script: string | null; call?: CallShown | null };

export function DevOutboxEntryPage(
  p: Common &
    Zoned &
    DevRow & {
      /** Texts go to the dev outbox: the customer's answer can be simulated here. */
      canReply?: boolean;
      reply?: { value: string; error: string };
      flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
    },
) {
  return (
    <Page title="Dev outbox message" user={p.user} csrf={p.csrf} section="outbox" flash={p.flash}>
      <p>
        <a href="/outbox/dev">← Dev outbox</a>
      </p>
      <PageHead title={`${CHANNEL_LABELS[p.entry.channel]} to ${p.entry.toAddress}`}>
        {p.deliveryId && (
          <a role="button" class="secondary" href={`/outbox/${p.deliveryId}`}>
            Delivery #{p.deliveryId}
          </a>
        )}
      </PageHead>
      <SentMessage entry={p.entry} script={p.script} call={p.call} tz={p.timeZone} />
      {p.canReply && <SimulateReply entryId={p.entry.id} from={p.entry.toAddress} csrf={p.csrf} reply={p.reply} />}
    </Page>
  );
}

/** The customer's answer to this text, as if they had replied on their phone (dev mode only). */
const SimulateReply: FC<{ entryId: string; from: string; csrf: string; reply?: { value: string; error: string } }> = (
  p,
) => (
  <form method="post" action={`/outbox/dev/${p.entryId}/reply`} class="simulate-reply">
    <h3>Simulate a reply from {p.from}</h3>
    <Csrf token={p.csrf} />
    <label for="reply-body">
      The customer's reply
      <textarea
        id="reply-body"
        name="body"
        rows={2}
        maxlength={1600}
        aria-invalid={p.reply ? "true" : undefined}
        aria-describedby="reply-help"
      >
        {p.reply?.value ?? ""}
      </textarea>
    </label>
    <small id="reply-help" class={p.reply ? "error" : undefined}>
      {p.reply?.error ??
        "Handled as a real reply would be: C or YES confirms the appointment this text is about, X or NO cancels it, STOP opts out of texts, anything else goes to the Inbox."}
    </small>
    <button type="submit">Receive this reply</button>
  </form>
);
