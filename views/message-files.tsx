/** @jsxImportSource hono/jsx */
// A message's attachments and MMS pictures as the review (before Send) and the message's page show
// them (SPEC T5): each file with its size and a link, the limits, and who gets the text without
// the pictures because MMS reaches US and Canadian numbers only.
import { MAX_ATTACHMENT_BYTES, MAX_MMS_BYTES, MAX_MMS_PICTURES, sizeText } from "../src/core/attachments.ts";
import type { ContentFile } from "../src/db/content-files.ts";
import { nf } from "./messages.tsx";

export type MessageFilesProps = {
  attachments: ContentFile[];
  pictures: ContentFile[];
  /** SMS recipients whose numbers are not +1: they get the text without the pictures (null: not counted). */
  withoutPictures?: number | null;
};

const total = (fs: ContentFile[]) => fs.reduce((a, f) => a + f.sizeBytes, 0);

/** The files a message sends, as rows of a `<dl>`; nothing when it sends none. */
export function MessageFiles(p: MessageFilesProps) {
  return (
    <>
      {p.attachments.length > 0 && (
        <>
          <dt class="muted">Attachments</dt>
          <dd class="message-attachments">
            <ul>
              {p.attachments.map((f) => (
                <li>
                  <a href={`/media/${f.storedName}`} target="_blank" rel="noopener">
                    {f.originalName}
                  </a>{" "}
                  · {sizeText(f.sizeBytes)}
                </li>
              ))}
            </ul>
            <small>
              {sizeText(total(p.attachments))} of at most {sizeText(MAX_ATTACHMENT_BYTES)}. Each e-mail with attachments
              is sent on its own (not in a batch of 100), within the same rate.
            </small>
          </dd>
        </>
      )}
      {p.pictures.length > 0 && (
        <>
          <dt class="muted">Pictures (MMS)</dt>
          <dd class="message-pictures">
            <ul class="file-choices">
              {p.pictures.map((f) => (
                <li>
                  <img src={`/media/${f.storedName}`} alt="" width={48} height={48} loading="lazy" /> {f.originalName} ·{" "}
                  {sizeText(f.sizeBytes)}
                </li>
              ))}
            </ul>
            <small>
              {nf(p.pictures.length)} of at most {MAX_MMS_PICTURES} pictures, {sizeText(total(p.pictures))} of at most{" "}
              {sizeText(MAX_MMS_BYTES)}.{" "}
              {p.withoutPictures
                ? `${nf(p.withoutPictures)} ${p.withoutPictures === 1 ? "number is" : "numbers are"} outside the US and Canada: ${p.withoutPictures === 1 ? "it gets" : "they get"} the text without the pictures (MMS reaches +1 numbers only).`
                : "MMS reaches US and Canadian (+1) numbers only; other numbers get the text without the pictures."}
            </small>
          </dd>
        </>
      )}
    </>
  );
}
