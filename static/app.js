// Progressive enhancement only: every page works without this file.
// Confirm destructive actions (forms with data-confirm) before they are sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Placeholder buttons ([data-placeholder]) insert their token at the cursor of the template
// field last focused ([data-placeholder-target]), else the form's body.
let lastTemplateField = null;
document.addEventListener("focusin", (event) => {
  if (event.target instanceof HTMLElement && event.target.hasAttribute("data-placeholder-target")) lastTemplateField = event.target;
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-placeholder]") : null;
  if (!button) return;
  const form = button.closest("form");
  const field = lastTemplateField && form?.contains(lastTemplateField) ? lastTemplateField : form?.querySelector("textarea[name=body]");
  if (!field) return;
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.setRangeText(button.getAttribute("data-placeholder"), start, end, "end");
  field.focus();
  field.dispatchEvent(new Event("input", { bubbles: true }));
});

// Typing into a field with data-checks="radioName=value" selects that radio ("At 10:30" picks "exact").
document.addEventListener("input", (event) => {
  const spec = event.target instanceof HTMLElement ? event.target.dataset.checks : undefined;
  if (!spec || !event.target.form) return;
  const [name, value] = spec.split("=");
  const radio = event.target.form.querySelector(`input[type=radio][name="${name}"][value="${value}"]`);
  if (radio) radio.checked = true;
});

// A table row with data-row-href opens that page when clicked anywhere but on a link inside it.
document.addEventListener("click", (event) => {
  const row = event.target instanceof Element ? event.target.closest("[data-row-href]") : null;
  if (row && !event.target.closest("a")) window.location.href = row.getAttribute("data-row-href");
});

// Live views (data-sse-connect: the message page's progress, the inbox list and an open conversation). htmx (deferred) starts on a
// timer that may run before the deferred SSE extension has loaded; connecting only once both
// have run makes sure the extension sees the element, exactly once. A file, not an inline
// script, so the Content-Security-Policy can refuse inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  setTimeout(() => {
    for (const el of document.querySelectorAll("[data-sse-connect]")) {
      if (!el.dataset.sseConnect || !window.htmx || el.hasAttribute("hx-sse:connect")) continue;
      el.setAttribute("hx-sse:connect", el.dataset.sseConnect);
      htmx.process(el);
    }
  });
});

// A time zone field marked data-detect-zone starts with the browser's zone (first-run setup).
for (const field of document.querySelectorAll("input[data-detect-zone]")) {
  if (!field.value) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
}
