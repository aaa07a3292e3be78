// Progressive enhancement for the e-mail editors and the file manager; every page works without it.

// "Copy URL" ([data-copy] names the readonly field holding the address): shown only with
// JavaScript; without it the field's text is selected and copied by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.select();
    const copied = () => {
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = "Copy URL"), 2000);
    };
    // The clipboard API needs a secure context; the selected text copies anywhere else.
    const write = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject(new Error("no clipboard"));
    write.then(copied, () => {
      document.execCommand("copy");
      copied();
    });
  });
}

// The Image button ([data-image-picker] names the body's textarea): opens the picker in a
// <dialog> (outside the editor's form, so its fields are never sent with it), loaded from
// /files/pick?fragment=1. Choosing an image and typing its alt text inserts
// ![alt](/media/<stored name>) at the cursor; without alt text Insert stays off and says why.
// Without JavaScript the button opens the picker as a page that shows each image's Markdown line.
let dialog = null;
let target = null;

function pickerDialog() {
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.className = "image-picker-dialog";
  dialog.setAttribute("aria-label", "Insert an image");
  dialog.innerHTML =
    '<article><header><button type="button" aria-label="Close" rel="prev" data-picker-close></button>' +
    "<strong>Insert an image</strong></header><div data-picker-slot><p aria-busy=\"true\">Loading images…</p></div></article>";
  document.body.append(dialog);
  dialog.addEventListener("click", (event) => {
    if (!(event.target instanceof Element)) return;
    if (event.target.closest("[data-picker-close]") || event.target === dialog) dialog.close();
    if (event.target.closest("[data-picker-insert]")) insert();
  });
  dialog.addEventListener("input", sync);
  dialog.addEventListener("change", sync);
  // The upload form inside posts by fetch and shows the picker again, the new image chosen.
  dialog.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    event.preventDefault();
    void load(form.action, { method: "POST", body: new FormData(form) });
  });
  return dialog;
}

async function load(url, init) {
  const slot = dialog.querySelector("[data-picker-slot]");
  try {
    const res = await fetch(url, { credentials: "same-origin", ...init });
    slot.innerHTML = await res.text();
  } catch {
    slot.innerHTML = '<p class="flash bad">The images could not be loaded. Check the connection and try again.</p>';
  }
  sync();
}

/** Insert is on only with an image chosen and alt text typed; the line below it says what is missing. */
function sync() {
  const chosen = dialog.querySelector("input[name=picker_image]:checked");
  const alt = dialog.querySelector("[data-picker-alt]");
  const button = dialog.querySelector("[data-picker-insert]");
  const why = dialog.querySelector("[data-picker-why]");
  if (!button || !alt) return;
  const text = cleanAlt(alt.value);
  button.disabled = !chosen || !text;
  if (why)
    why.textContent = !chosen
      ? "Choose an image above (or upload one)."
      : !text
        ? "Alt text is required: describe the picture for people who cannot see it."
        : "Ready to insert.";
}

/**
 * Alt text fits inside Markdown's brackets on one line: line breaks become spaces, and \ [ ] are
 * backslash-escaped, since a trailing "C:\" would escape the closing bracket and the e-mail would
 * show the raw Markdown instead of the picture.
 */
const cleanAlt = (value) =>
  value
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\\[\]]/g, "\\$&");

function insert() {
  const chosen = dialog.querySelector("input[name=picker_image]:checked");
  const alt = cleanAlt(dialog.querySelector("[data-picker-alt]")?.value ?? "");
  if (!chosen || !alt || !target) return sync();
  const line = `![${alt}](/media/${chosen.value})`;
  const start = target.selectionStart ?? target.value.length;
  const end = target.selectionEnd ?? start;
  // On a line of its own, so Markdown shows it as a block, not inside a sentence.
  const before = start > 0 && target.value[start - 1] !== "\n" ? "\n\n" : "";
  const after = target.value[end] !== undefined && target.value[end] !== "\n" ? "\n\n" : "";
  target.setRangeText(`${before}${line}${after}`, start, end, "end");
  dialog.close();
  target.focus();
  target.dispatchEvent(new Event("input", { bubbles: true }));
}

document.addEventListener("click", (event) => {
  const opener = event.target instanceof Element ? event.target.closest("[data-image-picker]") : null;
  if (!opener) return;
  const field = document.getElementById(opener.dataset.imagePicker);
  if (!field) return;
  event.preventDefault();
  target = field;
  pickerDialog().showModal();
  void load("/files/pick?fragment=1");
});
