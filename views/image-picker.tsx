/** @jsxImportSource hono/jsx */
// Images in e-mail (issue 12): the Image button beside an e-mail body editor, and the picker it
// opens — the file manager's images with thumbnails, an upload on the spot, and the alt text an
// image must have — inserting `![alt](/media/<stored name>)` at the cursor (static/editor.js).
// Without JavaScript the button opens the picker as a page that shows each image's Markdown line to copy.
import { PICKER_ALT_PLACEHOLDER } from "../src/core/email-images.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { FileInfo } from "../src/db/files.ts";
import { type Common, Page, PageHead } from "./layout.tsx";
import { FileThumb, UploadForm } from "./files.tsx";

/** The Image button for the body editor whose textarea has id `target` (one line beside the editor). */
export function ImageButton({ target }: { target: string }) {
  return (
    <a
      href="/files/pick"
      target="_blank"
      rel="noopener"
      role="button"
      class="secondary outline image-button"
      data-image-picker={target}
    >
      Image…
    </a>
  );
}

export type ImagePickerProps = {
  csrf: string;
  images: FileInfo[];
  errors: FieldErrors;
  /** The image just uploaded, chosen already. */
  chosen?: string;
};

// The stand-in alt text is refused at save if left as it is (core/email-images.ts imageAltProblem).
const markdownLine = (f: FileInfo) => `![${PICKER_ALT_PLACEHOLDER}](/media/${f.storedName})`;

/** The picker's body: the dialog's content with JavaScript, the page's without. */
export function ImagePickerBody(p: ImagePickerProps & { dialog: boolean }) {
  return (
    <div class="image-picker" data-picker-body>
      {p.images.length === 0 ? (
        <p class="muted">No images yet: upload one below.</p>
      ) : (
        <div class="picker-grid" role={p.dialog ? "radiogroup" : undefined} aria-label="Images">
          {p.images.map((f) =>
            p.dialog ? (
              <label class="picker-item">
                <input
                  type="radio"
                  name="picker_image"
                  value={f.storedName}
                  checked={p.chosen === f.storedName}
                  data-name={f.originalName}
                />
                <FileThumb f={f} />
                <span>{f.originalName}</span>
              </label>
            ) : (
              <div class="picker-item">
                <FileThumb f={f} />
                <span>{f.originalName}</span>
                <input type="text" readonly value={markdownLine(f)} aria-label={`Markdown for ${f.originalName}`} />
              </div>
            ),
          )}
        </div>
      )}
      {p.dialog && (
        <div class="picker-insert">
          <label for="picker-alt">Alt text: what the picture shows</label>
          <input
            id="picker-alt"
            type="text"
            maxlength={200}
            data-picker-alt
            placeholder="The class of 2026 on the steps"
          />
          <small data-picker-why>
            Required: it is read out to people who cannot see the picture, and shown when it does not load.
          </small>
          <button type="button" data-picker-insert disabled>
            Insert the image
          </button>
        </div>
      )}
      <UploadForm
        csrf={p.csrf}
        errors={p.errors}
        action={p.dialog ? "/files/pick?fragment=1" : "/files/pick"}
        imagesOnly
      />
    </div>
  );
}

/** The picker as a page of its own, for browsers without JavaScript. */
export function ImagePickerPage(p: Common & ImagePickerProps) {
  return (
    <Page title="Insert an image" user={p.user} csrf={p.csrf} section="files" stylesheets={["files.css"]}>
      <PageHead title="Insert an image" />
      <p>
        Copy an image's line into your message's text and replace “Describe the picture” with what it shows: that alt
        text is required, and read out to people who cannot see the picture. The e-mail shows the image at its public
        address, sized for phones.
      </p>
      <ImagePickerBody {...p} dialog={false} />
    </Page>
  );
}
