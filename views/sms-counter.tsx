/** @jsxImportSource hono/jsx */
// What an SMS costs, as staff see it under a text (SPEC P3, issue 12): characters, encoding,
// segments, a warning past 150 characters and the characters that force UCS-2. One component
// for the notification editor and the compose page, so both say the same thing.
import { characterLabel, type SmsInfo } from "../src/core/sms-text.ts";

export function SmsCounter({ info, id }: { info: SmsInfo; id?: string }) {
  return (
    <div class="sms-count" id={id}>
      <p class="sms-counter">
        <strong>{info.characters}</strong> characters · {info.encoding} · {info.segments}{" "}
        {info.segments === 1 ? "segment" : "segments"} <span class="muted">({info.perSegment} per segment)</span>
      </p>
      {info.linksTracked && (
        <p class="muted sms-tracked-links">
          <small>Links counted as the short tracked links they become (Settings → Studio → Tracking).</small>
        </p>
      )}
      {info.warning && (
        <p class="warn" role="status">
          {info.warning}. Keep texts under 150 characters where you can.
        </p>
      )}
      {info.nonGsm.length > 0 && (
        <p class="warn">
          {info.nonGsm.map((ch) => (
            <>
              <code>{characterLabel(ch)}</code>{" "}
            </>
          ))}
          {info.nonGsm.length === 1 ? "switches" : "switch"} the text to UCS-2, which fits only 70 characters per
          segment. Straight quotes and plain dashes keep it GSM-7.
        </p>
      )}
    </div>
  );
}
