/** @jsxImportSource hono/jsx */
// The file manager (SPEC T4, issue 12): upload with each kind's limit shown before choosing, the
// list newest first with thumbnails, sizes and where each file is used, its public address to
// copy, and delete behind a page that names the uses.
import { staffTime } from "../src/core/date-format.ts";
import { FILE_KINDS, fileSizeLabel, IMAGE_KINDS, MAX_FILE_BYTES } from "../src/core/file-types.ts";
import { type FileUse, fileUseHref, fileUseLabel } from "../src/core/file-uses.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { FileGroup, FileInfo, ListedFile } from "../src/db/files.ts";
import { Csrf, FieldMessages } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { Pager } from "./pager.tsx";

export type FileRow = ListedFile & { url: string; uses: FileUse[] };

export type FilesPageProps = Common & {
  rows: FileRow[];
  page: number;
  total: number;
  pageSize: number;
  kind?: FileGroup;
  timeZone: string;
  errors: FieldErrors;
  flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
};

const GROUP_LABELS: Record<FileGroup, string> = { image: "Images", pdf: "PDFs", audio: "Audio" };

/** "PNG, JPEG, GIF or WebP image: 5 MB", one line per limit, from FILE_KINDS. */
export function kindLimits(): string[] {
  const byLimit = new Map<string, string[]>();
  for (const k of Object.values(FILE_KINDS)) {
    const [name, ...rest] = k.label.split(" ");
    const key = `${rest.join(" ")}|${k.maxBytes}`;
    byLimit.set(key, [...(byLimit.get(key) ?? []), name!]);
  }
  return [...byLimit].map(([key, names]) => {
    const [what, max] = key.split("|");
    const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
    return `${list} ${what}: up to ${fileSizeLabel(Number(max))}`;
  });
}

const ACCEPT = Object.values(FILE_KINDS)
  .flatMap((k) => [`.${k.ext}`, k.mime])
  .concat(".jpeg")
  .join(",");

/** The upload form; `action` lets the image picker reuse it for images only. */
export function UploadForm(p: { csrf: string; errors: FieldErrors; action?: string; imagesOnly?: boolean }) {
  const limits = p.imagesOnly
    ? [
        `${IMAGE_KINDS.map((k) => FILE_KINDS[k].label.split(" ")[0]).join(", ")} images: up to ${fileSizeLabel(FILE_KINDS.png.maxBytes)}`,
      ]
    : kindLimits();
  return (
    <form method="post" action={p.action ?? "/files"} enctype="multipart/form-data" class="upload-form" novalidate>
      <Csrf token={p.csrf} />
      <label for="f-file">{p.imagesOnly ? "Upload an image" : "Upload a file"}</label>
      <div class="template-row">
        <input
          id="f-file"
          type="file"
          name="file"
          accept={p.imagesOnly ? "image/png,image/jpeg,image/gif,image/webp" : ACCEPT}
          data-max-bytes={String(p.imagesOnly ? FILE_KINDS.png.maxBytes : MAX_FILE_BYTES)}
          aria-invalid={p.errors.file ? "true" : undefined}
          aria-describedby={p.errors.file ? "file-error" : "file-hint"}
        />
        <button type="submit">Upload</button>
      </div>
      <FieldMessages name="file" errors={p.errors} />
      <small id="file-hint">
        Pigeon takes {limits.join("; ")}. It reads what a file is from its contents, whatever its name says: SVG, HTML,
        programs and anything else are refused.
      </small>
    </form>
  );
}

/** A box of at most `max` pixels that keeps the image's shape, so the list does not jump as thumbnails load. */
function thumbBox(f: FileInfo, max = 64) {
  if (!f.width || !f.height) return { width: max, height: max };
  const scale = Math.min(1, max / Math.max(f.width, f.height));
  return { width: Math.max(1, Math.round(f.width * scale)), height: Math.max(1, Math.round(f.height * scale)) };
}

export function FileThumb({ f }: { f: FileInfo }) {
  if (f.mimeType.startsWith("image/"))
    return <img class="thumb" src={`/media/${f.storedName}`} loading="lazy" alt="" {...thumbBox(f)} />;
  return (
    <span class="file-icon" aria-hidden="true">
      {f.mimeType === "application/pdf" ? "PDF" : "♪"}
    </span>
  );
}

const kindOf = (mime: string) => Object.values(FILE_KINDS).find((k) => k.mime === mime)?.label ?? mime;

/** Where a file is used, each use a link to where it can be changed. */
export function UsesList({ uses }: { uses: FileUse[] }) {
  if (!uses.length) return <span class="muted">Not used</span>;
  return (
    <ul class="uses">
      {uses.map((u) => {
        const href = fileUseHref(u);
        return <li>{href ? <a href={href}>{fileUseLabel(u)}</a> : fileUseLabel(u)}</li>;
      })}
    </ul>
  );
}

/** The file's public address in a field to select and copy (the Copy button is static/editor.js's). */
export function CopyUrl({ id, url }: { id: number; url: string }) {
  return (
    <div class="copy-url">
      <input type="text" readonly value={url} id={`url-${id}`} aria-label="Public address" />
      <button type="button" class="secondary outline" data-copy={`url-${id}`} hidden>
        Copy URL
      </button>
    </div>
  );
}

export function FilesPage(p: FilesPageProps) {
  const filters: [FileGroup | undefined, string][] = [
    [undefined, "All"],
    ...(Object.entries(GROUP_LABELS) as [FileGroup, string][]),
  ];
  return (
    <Page title="Files" user={p.user} csrf={p.csrf} section="files" flash={p.flash} stylesheets={["files.css"]}>
      <PageHead title="Files" />
      <UploadForm csrf={p.csrf} errors={p.errors} />
      <nav aria-label="Kinds of file" class="file-filters">
        <ul>
          {filters.map(([k, label]) => (
            <li>
              <a href={k ? `/files?kind=${k}` : "/files"} aria-current={k === p.kind ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <div class="empty">
          <p>
            <strong>{p.kind ? `No ${GROUP_LABELS[p.kind].toLowerCase()} yet.` : "No files yet."}</strong>
          </p>
          <p class="muted">
            Upload a picture above to show it in an e-mail (the Image button beside a message's text), a PDF to attach,
            or a recording for a call. Each gets a public address you can copy.
          </p>
        </div>
      ) : (
        <>
          <ul class="file-list">
            {p.rows.map((f) => (
              <li class="file-row" id={`file-${f.id}`}>
                <div class="file-preview">
                  <FileThumb f={f} />
                </div>
                <div class="file-main">
                  <strong class="file-name">{f.originalName}</strong>
                  <div class="muted">
                    {kindOf(f.mimeType)} · {fileSizeLabel(f.sizeBytes)}
                    {f.width && f.height ? ` · ${f.width} × ${f.height} px` : ""}
                  </div>
                  <div class="muted">
                    Uploaded {staffTime(f.createdAt, p.timeZone)}
                    {f.uploadedBy ? ` by ${f.uploadedBy}` : ""}
                  </div>
                  <CopyUrl id={f.id} url={f.url} />
                </div>
                <div class="file-uses">
                  <span class="label">Where used</span>
                  <UsesList uses={f.uses} />
                </div>
                <div class="file-actions">
                  <a href={`/files/${f.id}/delete`} role="button" class="secondary outline">
                    Delete…
                  </a>
                </div>
              </li>
            ))}
          </ul>
          <Pager path="/files" params={{ kind: p.kind }} page={p.page} total={p.total} pageSize={p.pageSize} />
        </>
      )}
    </Page>
  );
}

/**
 * Delete, asked first. Uses that block it: the page says so and links each (409 when it was a
 * post). Uses in sent messages only: a warning that those e-mails miss the picture, then Delete.
 */
export function DeleteFilePage(p: Common & { file: FileInfo; uses: FileUse[] }) {
  // A message that is sending cannot be edited; shown in its body or played as its call, the file
  // stops blocking once it has finished, so waiting is the way, not removing.
  const waits = (u: FileUse) =>
    u.kind === "message" && u.status === "sending" && (u.how === "body" || u.how === "recording");
  const blocking = p.uses.filter((u) => u.blocks);
  const removable = blocking.filter((u) => !waits(u));
  const sending = blocking.filter(waits);
  const warnings = p.uses.filter((u) => !u.blocks);
  return (
    <Page
      title={`Delete ${p.file.originalName}`}
      user={p.user}
      csrf={p.csrf}
      section="files"
      stylesheets={["files.css"]}
    >
      <PageHead title={`Delete “${p.file.originalName}”?`} />
      <div class="file-row single">
        <div class="file-preview">
          <FileThumb f={p.file} />
        </div>
        <div class="file-main">
          <strong>{p.file.originalName}</strong>
          <div class="muted">
            {kindOf(p.file.mimeType)} · {fileSizeLabel(p.file.sizeBytes)}
          </div>
        </div>
      </div>
      {blocking.length > 0 ? (
        <>
          <p class="flash bad" role="alert">
            This file is in use, so it cannot be deleted
            {removable.length > 0 ? `. Remove it from ${removable.length === 1 ? "this" : "these"} first:` : "."}
          </p>
          {removable.length > 0 && <UsesList uses={removable} />}
          {sending.length > 0 && (
            <>
              <p>
                {sending.length === 1 ? "This message is" : "These messages are"} sending with it: it can be deleted
                once {sending.length === 1 ? "the message has" : "they have"} finished sending.
              </p>
              <UsesList uses={sending} />
            </>
          )}
          <p>
            <a href="/files">Back to Files</a>
          </p>
        </>
      ) : (
        <form method="post" action={`/files/${p.file.id}/delete`}>
          <Csrf token={p.csrf} />
          {warnings.length > 0 ? (
            <>
              <p class="flash info" role="status">
                Messages already sent show this file. The picture will be missing from those e-mails when opened later:
              </p>
              <UsesList uses={warnings} />
            </>
          ) : (
            <p>Nothing uses this file. Its address stops working once it is deleted.</p>
          )}
          <div class="status-buttons">
            <button type="submit" class="contrast">
              Delete the file
            </button>
            <a href="/files" role="button" class="secondary outline">
              Keep it
            </a>
          </div>
        </form>
      )}
    </Page>
  );
}
