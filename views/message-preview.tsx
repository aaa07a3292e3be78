/** @jsxImportSource hono/jsx */
// The compose page's preview (SPEC O4), the fragment re-rendered as the message or the chosen
// recipient changes: the e-mail at desktop and phone widths, the SMS with its segment count,
// the call script; and the result of a test sent to oneself.
import type { PreviewData, TestResult } from "../src/core/message-pages.ts";
import { SkipReasonWhy } from "./skip-reason.tsx";
import { SmsCounter } from "./sms-counter.tsx";

export function MessagePreview({ preview: pv }: { preview: PreviewData }) {
  return (
    <>
      {pv.options.length > 0 && (
        <div class="field">
          <label for="f-preview_customer_id">Show it as</label>
          <select id="f-preview_customer_id" name="preview_customer_id">
            {pv.options.map((o) => (
              <option value={String(o.id)} selected={o.id === pv.selectedId}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {pv.appointmentOptions.length > 0 && (
        <div class="field">
          <label for="f-preview_appointment_id">Appointment</label>
          <select id="f-preview_appointment_id" name="preview_appointment_id">
            {pv.appointmentOptions.map((o) => (
              <option value={String(o.id)} selected={o.selected}>
                {o.label}
              </option>
            ))}
          </select>
          {pv.appointmentOptions.length > 1 && (
            <small>One message per appointment: this customer gets {pv.appointmentOptions.length}.</small>
          )}
        </div>
      )}
      <p class="muted preview-note">
        <small>{pv.note}</small>
      </p>
      {pv.warnings.map((w) => (
        <p class="warn">
          <small>
            {w.text}
            {w.reason && (
              <>
                {" "}
                <SkipReasonWhy reason={w.reason} />
              </>
            )}
          </small>
        </p>
      ))}
      {pv.problem && <p class="warn">{pv.problem}</p>}
      {pv.email && (
        <div class="email-preview">
          <div class="preview-meta">
            <div>
              <span class="k">To</span> <span>{pv.email.to ?? "—"}</span>
            </div>
            <div>
              <span class="k">Subject</span> <strong class="preview-subject">{pv.email.subject || "—"}</strong>
            </div>
            <div>
              <span class="k">Preview line</span>{" "}
              {pv.email.preheader ? (
                <span class="preview-preheader">{pv.email.preheader}</span>
              ) : (
                <span class="muted">the message's first line</span>
              )}
            </div>
          </div>
          <div class="frames">
            <figure class="frame desktop">
              <iframe
                class="email-frame"
                title="E-mail preview, desktop width"
                sandbox=""
                srcdoc={pv.email.html}
              ></iframe>
              <figcaption>Desktop</figcaption>
            </figure>
            <figure class="frame phone">
              <iframe
                class="email-frame"
                title="E-mail preview, phone width"
                sandbox=""
                srcdoc={pv.email.html}
              ></iframe>
              <figcaption>Phone (375 px)</figcaption>
            </figure>
          </div>
        </div>
      )}
      {pv.sms && (
        <div class="sms-preview">
          <div class="preview-meta">
            <div>
              <span class="k">SMS to</span> <span>{pv.sms.to ?? "—"}</span>
            </div>
          </div>
          <div class="sms-bubble">{pv.sms.text}</div>
          <SmsCounter info={pv.sms.info} />
          {pv.sms.optOutAdded && (
            <p class="muted">
              <small>
                “{pv.sms.optOutAdded}” is added because the text does not mention STOP; it is counted above.
              </small>
            </p>
          )}
        </div>
      )}
      {pv.voice && (
        <div class="voice-preview">
          <div class="preview-meta">
            <div>
              <span class="k">Call</span> <span>{pv.voice.to ?? "—"}</span>
            </div>
          </div>
          {pv.voice.audio ? (
            <>
              <div class="call-recording">
                <audio controls preload="none" src={pv.voice.audio.src}></audio> <strong>{pv.voice.audio.name}</strong>
              </div>
              <p class="muted">
                <small>
                  The call plays this recording (not the script); then it offers “press 9 to stop calls”. A voicemail
                  hears it once, after its beep.
                </small>
              </p>
            </>
          ) : (
            <>
              <blockquote class="voice-script">{pv.voice.text}</blockquote>
              <p class="muted">
                <small>
                  Read out by text-to-speech; the call offers “press 9 to stop calls”. A voicemail hears it once, after
                  its beep.
                </small>
              </p>
            </>
          )}
        </div>
      )}
    </>
  );
}

export function TestSendResult({ result }: { result: TestResult | null | undefined }) {
  if (!result) return <></>;
  return (
    <p class={`flash ${result.ok ? "ok" : "bad"}`} role={result.ok ? "status" : "alert"}>
      {result.text}
      {result.reason && (
        <>
          {" "}
          <SkipReasonWhy reason={result.reason} />
        </>
      )}
      {result.deliveryId && (
        <>
          {" "}
          <a href={`/outbox/${result.deliveryId}`}>Open it in the outbox</a>
        </>
      )}
    </p>
  );
}
