// The picture slot a designed e-mail template opens with (issue 12: "announcement with a hero
// image"). No file exists when Pigeon is installed, so the template holds a marked Markdown image
// staff replace with their own (the body editor's Image button). Previews show the slot as a grey
// box; a message or notification that still holds it is refused at save, so it is never sent.

/** The slot's URL: a fragment, never fetched, which the e-mail sanitiser would drop as an image. */
export const IMAGE_SLOT_URL = "#image-slot";

const SLOT = /!\[([^\]\n]*)\]\(\s*#image-slot\s*\)/;

/** The Markdown of a slot whose alt text tells staff what to do. */
export function imageSlot(alt: string): string {
  return `![${alt}](${IMAGE_SLOT_URL})`;
}

/** The alt text of the first slot `text` still holds, or null when it holds none. */
export function imageSlotIn(text: string): string | null {
  const m = SLOT.exec(text);
  return m ? m[1]!.trim() || "picture" : null;
}

/** What a save says about a body that still holds a slot. */
export function imageSlotProblem(text: string): string | null {
  const alt = imageSlotIn(text);
  return alt === null
    ? null
    : `The e-mail still holds the picture slot “${alt}”: put your picture there with Image, or delete that line`;
}

/** Every slot as HTML the sanitiser keeps: a grey box saying what belongs there (previews only). */
export function imageSlotsAsBoxes(markdown: string, escape: (s: string) => string): string {
  return markdown.replace(
    new RegExp(SLOT.source, "g"),
    (_, alt: string) =>
      `<p style="background-color:#e5e7eb;color:#57606a;text-align:center"><br />[ ${escape(alt.trim() || "picture")} ]<br /><br /></p>`,
  );
}
