/** @jsxImportSource hono/jsx */
// The composer's Attachments (with e-mail) and Pictures (MMS, with SMS) sections (SPEC T5): files
// from the file manager as checkboxes, or one uploaded on the spot, with the limits said before
// anything is sent.
import {
  ATTACHMENT_KINDS,
  MAX_ATTACHMENT_BYTES,
  MAX_MMS_BYTES,
  MAX_MMS_PICTURES,
  MMS_ELSEWHERE,
  MMS_KINDS,
  sizeText,
} from "../src/core/attachments.ts";
import { FILE_KINDS } from "../src/core/file-types.ts";
import type { ComposeState } from "../src/core/message-pages.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { FileChoice } from "../src/db/attachment-files.ts";
import { FieldMessages } from "./form.tsx";

const mimes = (kinds: readonly (keyof typeof FILE_KINDS)[]) => new Set(kinds.map((k) => FILE_KINDS[k].mime));
const ATTACHABLE = mimes(ATTACHMENT_KINDS);
const PICTURES = mimes(MMS_KINDS);
const accept = (kinds: readonly (keyof typeof FILE_KINDS)[]) =>
  kinds.flatMap((k) => [`.${FILE_KINDS[k].ext}`, FILE_KINDS[k].mime]).join(",");

type Props = {
  state: ComposeState;
  errors: FieldErrors;
  choices: FileChoice[];
  /** Only the sections of these channels (a notification has one); all when not given. */
  channels?: readonly string[];
  /** Where the Upload button re-renders the form; no upload field when not given. */
  uploadUrl?: string;
};

/** One of the two sections: the files as checkboxes, the total chosen, an upload field. */
function FileSection(p: {
  name: "attachment_ids" | "media_ids";
  upload: string;
  title: string;
  only: string;
  files: FileChoice[];
  chosen: string[];
  errors: FieldErrors;
  kinds: readonly (keyof typeof FILE_KINDS)[];
  thumbnails: boolean;
  hint: string;
  empty: string;
  uploadUrl?: string;
  /** The upload button's words: distinct from the call's "Upload", so each names what it adds. */
  button: string;
}) {
  const chosen = new Set(p.chosen);
  const total = p.files.filter((f) => chosen.has(String(f.id))).reduce((a, f) => a + f.sizeBytes, 0);
  return (
    <fieldset class={`field ${p.only} content-files`} id={`${p.name}-section`}>
      <legend>{p.title}</legend>
      {p.files.length === 0 ? (
        <p class="muted">{p.empty}</p>
      ) : (
        <ul class="file-choices">
          {p.files.map((f) => (
            <li>
              <label>
                <input
                  type="checkbox"
                  name={p.name}
                  value={String(f.id)}
                  checked={chosen.has(String(f.id))}
                  aria-invalid={p.errors[p.name] ? "true" : undefined}
                />
                {p.thumbnails && <img src={`/media/${f.storedName}`} alt="" width={48} height={48} loading="lazy" />}
                <span>
                  <strong>{f.originalName}</strong> · {sizeText(f.sizeBytes)}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {chosen.size > 0 && (
        <p>
          Chosen: {chosen.size} {chosen.size === 1 ? "file" : "files"}, {sizeText(total)}
        </p>
      )}
      {p.uploadUrl && (
        <div class="template-row">
          <input type="file" name={p.upload} accept={accept(p.kinds)} aria-label={`A file to add to ${p.title}`} />
          <button type="submit" formaction={p.uploadUrl} formenctype="multipart/form-data" class="secondary">
            {p.button}
          </button>
        </div>
      )}
      <FieldMessages name={p.name} errors={p.errors} hint={p.hint} />
    </fieldset>
  );
}

/** The Attachments and Pictures sections; each shows with its channel. */
export function ComposeFiles({ state, errors, choices, channels, uploadUrl }: Props) {
  const shows = (ch: string) => !channels || channels.includes(ch);
  const empty = (what: string) =>
    uploadUrl
      ? `No ${what} uploaded yet: upload one here.`
      : `No ${what} uploaded yet: upload them in a message's composer.`;
  return (
    <>
      {shows("email") && (
        <FileSection
          name="attachment_ids"
          upload="attachment_upload"
          title="Attachments"
          only="only-email"
          files={choices.filter((f) => ATTACHABLE.has(f.mimeType))}
          chosen={state.lists.attachment_ids ?? []}
          errors={errors}
          kinds={ATTACHMENT_KINDS}
          thumbnails={false}
          hint={`PDFs (each at most ${sizeText(FILE_KINDS.pdf.maxBytes)}) and images (each at most ${sizeText(FILE_KINDS.png.maxBytes)}), at most ${sizeText(MAX_ATTACHMENT_BYTES)} together: Resend takes 40 MB per e-mail counted after encoding, which adds a third. E-mails with attachments go one by one rather than in batches of 100, so a large send takes longer.`}
          empty={empty("PDFs or images")}
          button="Attach file"
          uploadUrl={uploadUrl}
        />
      )}
      {shows("sms") && (
        <FileSection
          name="media_ids"
          upload="media_upload"
          title="Pictures (MMS)"
          only="only-sms"
          files={choices.filter((f) => PICTURES.has(f.mimeType))}
          chosen={state.lists.media_ids ?? []}
          errors={errors}
          kinds={MMS_KINDS}
          thumbnails={true}
          hint={`JPEG, PNG or GIF, at most ${MAX_MMS_PICTURES} pictures and ${sizeText(MAX_MMS_BYTES)} together. ${MMS_ELSEWHERE}`}
          empty={empty("JPEG, PNG or GIF pictures")}
          button="Add picture"
          uploadUrl={uploadUrl}
        />
      )}
    </>
  );
}
