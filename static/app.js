// Progressive enhancement only: every page works without this file.
// Confirm destructive actions (forms with data-confirm) before they are sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// A form with data-disable-on-submit disables its submit buttons once it is sent, so a double
// click sends it once (the server also takes the same form only once).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-disable-on-submit") || event.defaultPrevented) return;
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) button.disabled = true;
});

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

// A table row with data-row-href opens that page when clicked anywhere but on a link (or a player) inside it.
document.addEventListener("click", (event) => {
  const row = event.target instanceof Element ? event.target.closest("[data-row-href]") : null;
  if (row && !event.target.closest("a, audio")) window.location.href = row.getAttribute("data-row-href");
});

// A file over its field's limit (data-max-bytes) is refused as soon as it is chosen, not after
// the upload: the field is cleared and its hint says why. The server checks again regardless.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
  const file = input.files && input.files[0];
  const max = Number(input.dataset.maxBytes);
  if (!file || file.size <= max) return;
  input.value = "";
  const hint = document.getElementById(`${input.name}-hint`);
  const mb = (n) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (hint) hint.textContent = `${file.name} is ${mb(file.size)}, over the ${mb(max)} limit: choose a smaller file.`;
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

// Select-all on a table of ticks ([data-select-all] names the form the ticks belong to): shown
// only with JavaScript, since without it each row is ticked on its own. It follows the ticks
// (checked, unchecked or in between), and [data-selected-count] says how many are ticked.
for (const all of document.querySelectorAll("input[data-select-all]")) {
  const formId = all.dataset.selectAll;
  const ticks = () => [...document.querySelectorAll(`input[type=checkbox][form="${formId}"]`)];
  const count = document.querySelector(`[data-selected-count="${formId}"]`);
  const sync = () => {
    const boxes = ticks();
    const on = boxes.filter((b) => b.checked).length;
    all.checked = on > 0 && on === boxes.length;
    all.indeterminate = on > 0 && on < boxes.length;
    if (count) count.textContent = on ? `${on} selected` : "";
  };
  all.hidden = false;
  all.closest("th")?.querySelector("[data-select-label]")?.setAttribute("hidden", "");
  all.addEventListener("change", () => {
    for (const b of ticks()) b.checked = all.checked;
    sync();
  });
  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.getAttribute("form") === formId) sync();
  });
  sync();
}

// A live update replaces the message page's Performance section (sent out of band over SSE every
// few seconds while a message goes out): "The chart's numbers", once opened, stay open across it
// instead of snapping shut under the reader. Closing it is remembered the same way.
let chartDataOpen = false;
document.addEventListener(
  "toggle",
  (event) => {
    const d = event.target;
    if (d instanceof HTMLDetailsElement && d.matches("details.chart-data")) chartDataOpen = d.open;
  },
  true,
);
new MutationObserver(() => {
  if (!chartDataOpen) return;
  for (const d of document.querySelectorAll("details.chart-data:not([open])")) d.open = true;
}).observe(document.documentElement, { childList: true, subtree: true });
