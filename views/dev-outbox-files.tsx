/** @jsxImportSource hono/jsx */
// What the dev outbox shows of a message's files (SPEC T5): an e-mail's attachments (name, size, a
// link to the file) and an MMS's pictures as thumbnails, each as Twilio would fetch it.
import { sizeText } from "../src/core/attachments.ts";
import type { DevOutboxFiles } from "../src/db/schema.ts";

/** A picture's address under the public URL, opened on this server (PUBLIC_URL may name another host). */
const localPath = (url: string) => {
  const at = url.indexOf("/media/");
  return at >= 0 ? url.slice(at) : url;
};

/** The attachments or pictures of one dev outbox entry, in full. */
export function DevOutboxFileList({ files }: { files: DevOutboxFiles | null }) {
  if (!files) return null;
  return (
    <>
      {files.attachments?.length ? (
        <>
          <h3>Attachments</h3>
          <ul class="dev-attachments">
            {files.attachments.map((a) => (
              <li>
                {a.link ? (
                  <a href={a.link} target="_blank" rel="noopener">
                    {a.filename}
                  </a>
                ) : (
                  a.filename
                )}{" "}
                · {sizeText(a.size)} · <span class="muted">{a.contentType}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {files.mediaUrls?.length ? (
        <>
          <h3>Pictures (MMS)</h3>
          <ul class="file-choices dev-pictures">
            {files.mediaUrls.map((u) => (
              <li>
                <a href={localPath(u)} target="_blank" rel="noopener">
                  <img src={localPath(u)} alt={`Picture sent as MMS: ${u}`} width={96} height={96} loading="lazy" />
                </a>{" "}
                <code class="break-all">{u}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** "· 2 attachments" / "· 1 picture" beside an entry in the dev outbox's list. */
export function devFilesNote(files: DevOutboxFiles | null): string {
  const n = files?.attachments?.length ?? 0;
  const m = files?.mediaUrls?.length ?? 0;
  if (n) return ` · ${n} ${n === 1 ? "attachment" : "attachments"}`;
  if (m) return ` · ${m} ${m === 1 ? "picture" : "pictures"}`;
  return "";
}
