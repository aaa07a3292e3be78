// Placeholders as staff type them and customers receive them (SPEC T1, T6).
import { describe, expect, test } from "bun:test";
import {
  checkTemplate,
  compileTemplate,
  contextForTrigger,
  escapeHtml,
  fillTemplate,
  firstMissing,
  isBlank,
  noEscape,
  parseTemplate,
  PLACEHOLDERS,
  placeholdersFor,
  requiredKeys,
  TemplateSyntaxError,
} from "../src/core/placeholders.ts";

const messages = (
  text: string,
  context: Parameters<typeof checkTemplate>[1] = "job_notification",
  snippets: string[] = [],
) => checkTemplate(text, context, snippets).map((e) => e.message);

describe("parsing", () => {
  test("text and placeholders come apart with their line and column", () => {
    const { parts, errors } = parseTemplate(
      'Hi {{customer.first_name}},\nyour code: {{ customer.access_code | "see the flyer" }}.',
    );
    expect(errors).toEqual([]);
    expect(parts).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "placeholder", key: "customer.first_name", raw: "{{customer.first_name}}", line: 1, column: 4 },
      { kind: "text", text: ",\nyour code: " },
      {
        kind: "placeholder",
        key: "customer.access_code",
        fallback: "see the flyer",
        raw: '{{ customer.access_code | "see the flyer" }}',
        line: 2,
        column: 12,
      },
      { kind: "text", text: "." },
    ]);
  });

  test.each([
    ["plain", '{{customer.first_name | "there"}}', "there"],
    ["no spaces", '{{customer.first_name|"there"}}', "there"],
    ["escaped quotes", '{{customer.first_name | "the \\"family\\""}}', 'the "family"'],
    ["escaped backslash", '{{customer.first_name | "a\\\\b"}}', "a\\b"],
    ["HTML-rendered quotes", "{{customer.first_name | &quot;there&quot;}}", "there"],
    ["numeric entity quotes", "{{customer.first_name | &#34;there&#34;}}", "there"],
    [
      "escaped quote in rendered HTML keeps its entity",
      "{{customer.first_name | &quot;the \\&quot;family\\&quot;&quot;}}",
      "the &quot;family&quot;",
    ],
    ["curly quotes from a Mac", "{{customer.first_name | “there”}}", "there"],
    ["empty fallback", '{{customer.first_name | ""}}', ""],
    ["braces inside the fallback", '{{customer.first_name | "a }} b"}}', "a }} b"],
  ])("fallback: %s", (_name, text, fallback) => {
    const { parts, errors } = parseTemplate(text);
    expect(errors).toEqual([]);
    expect(parts).toEqual([expect.objectContaining({ kind: "placeholder", key: "customer.first_name", fallback })]);
  });

  test.each([
    ["unclosed", "Hello\n  {{customer.first_name, see you", "Unclosed {{ at line 2, column 3"],
    ["closed only on the next line", "Hello {{customer.first_name\n}}", "Unclosed {{ at line 1, column 7"],
    ["opened twice", "{{customer.name {{job.name}}", "Unclosed {{ at line 1, column 1"],
    ["empty", "Hi {{ }}!", "Empty placeholder {{ }} at line 1, column 4"],
    ["space in the name", "Hi {{customer first_name}}", "Bad placeholder {{customer first_name}} at line 1, column 4"],
    ["trailing dot", "Hi {{customer.}}", "Bad placeholder {{customer.}} at line 1, column 4"],
    [
      "fallback without quotes",
      "Hi {{customer.first_name | there}}",
      'Bad fallback in {{customer.first_name | there}} at line 1, column 4: put the fallback in double quotes, like {{customer.first_name | "there"}}',
    ],
    [
      "fallback missing",
      "Hi {{customer.first_name | }}",
      "Bad fallback in {{customer.first_name | }} at line 1, column 4",
    ],
    [
      "fallback never closed",
      'Hi {{customer.first_name | "there}}',
      'Bad fallback in {{customer.first_name | "there}} at line 1, column 4: the closing quote is missing',
    ],
    ["text after the fallback", 'Hi {{customer.first_name | "there" now}}', "nothing may follow the closing quote"],
  ])("syntax error: %s", (_name, text, message) => {
    const { errors } = parseTemplate(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(message);
  });

  test("a broken placeholder stays literal and the following ones still parse", () => {
    const { parts, errors } = parseTemplate("{{ oops {{job.name}}");
    expect(errors.map((e) => [e.line, e.column])).toEqual([[1, 1]]);
    expect(parts).toEqual([
      { kind: "text", text: "{{ oops " },
      expect.objectContaining({ key: "job.name", column: 9 }),
    ]);
  });

  test("single braces and text without placeholders are left alone", () => {
    expect(parseTemplate("a { b } c }} d")).toEqual({ parts: [{ kind: "text", text: "a { b } c }} d" }], errors: [] });
    expect(parseTemplate("")).toEqual({ parts: [], errors: [] });
  });
});

describe("checking at save time", () => {
  test("a correct template has no errors", () => {
    expect(
      messages(
        'Hi {{customer.first_name | "there"}}, photos of {{job.name}} expire {{job.archive_date}}. {{links.unsubscribe_link}}',
      ),
    ).toEqual([]);
  });

  test.each([
    [
      "a typo",
      "Hello\nHi {{customer.frist_name}}",
      "Unknown placeholder {{customer.frist_name}} at line 2, column 4 — did you mean {{customer.first_name}}?",
    ],
    [
      "a missing letter",
      "{{job.shoot_dat}}",
      "Unknown placeholder {{job.shoot_dat}} at line 1, column 1 — did you mean {{job.shoot_date}}?",
    ],
    [
      "wrong case",
      "{{Customer.First_Name}}",
      "Unknown placeholder {{Customer.First_Name}} at line 1, column 1 — did you mean {{customer.first_name}}?",
    ],
    [
      "the group left out",
      "{{first_name}}",
      "Unknown placeholder {{first_name}} at line 1, column 1 — did you mean {{customer.first_name}}?",
    ],
    ["nothing close", "{{favourite_colour}}", "Unknown placeholder {{favourite_colour}} at line 1, column 1"],
  ])("unknown placeholder: %s", (_name, text, message) => {
    expect(messages(text)).toEqual([message]);
  });

  test("placeholders the context cannot fill are refused, saying where they work", () => {
    expect(messages("See you {{appointment.date}}", "job_notification")).toEqual([
      "{{appointment.date}} is not available in job notifications (line 1, column 9); it works in appointment notifications and one-time messages",
    ]);
    expect(messages("You paid {{order.amount}}", "one_time_message")[0]).toContain(
      "{{order.amount}} is not available in one-time messages",
    );
    expect(messages("You paid {{order.amount}} for {{job.name}}", "order_notification")).toEqual([]);
    expect(
      messages("{{appointment.time}} at {{appointment.location}} for {{job.name}}", "appointment_notification"),
    ).toEqual([]);
    expect(messages("Before {{job.coupon_deadline}}", "appointment_notification")[0]).toContain(
      "is not available in appointment notifications",
    );
  });

  test("syntax and unknown-name errors come together in text order", () => {
    const errors = checkTemplate("{{customer.nmae}}\n{{ }}", "job_notification", []);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  test("snippets exist only when the studio has them", () => {
    expect(messages("{{snippet.shipping_info}}", "job_notification", ["shipping_info"])).toEqual([]);
    expect(messages("{{snippet.shiping_info}}", "job_notification", ["shipping_info"])).toEqual([
      "Unknown snippet {{snippet.shiping_info}} at line 1, column 1 — did you mean {{snippet.shipping_info}}?",
    ]);
    expect(messages("{{snippet.shipping_info}}", "job_notification", [])).toEqual([
      "Unknown snippet {{snippet.shipping_info}} at line 1, column 1: there is no snippet “shipping_info”; add it under Settings → Snippets",
    ]);
  });
});

describe("the placeholder picker", () => {
  test("the catalogue holds every placeholder of the spec once, each described with an example", () => {
    const keys = PLACEHOLDERS.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(32);
    for (const p of PLACEHOLDERS) {
      expect(p.description.length).toBeGreaterThan(3);
      expect(p.example.length).toBeGreaterThan(0);
      expect(p.contexts.length).toBeGreaterThan(0);
    }
  });

  test("each context offers what it can fill, snippets last", () => {
    const job = placeholdersFor("job_notification", ["shipping_info", "Bad Key"]).map((p) => p.key);
    expect(job).toContain("customer.gallery_link");
    expect(job).not.toContain("appointment.date");
    expect(job).not.toContain("order.amount");
    expect(job.at(-1)).toBe("snippet.shipping_info");
    expect(job).not.toContain("snippet.Bad Key");
    const appointment = placeholdersFor("appointment_notification", []).map((p) => p.key);
    expect(appointment).toContain("appointment.confirm_link");
    expect(appointment).toContain("job.name");
    expect(appointment).not.toContain("album.name");
    expect(placeholdersFor("order_notification", []).map((p) => p.key)).toContain("order.date");
    expect(placeholdersFor("one_time_message", []).map((p) => p.key)).not.toContain("order.date");
  });

  test.each([
    ["job_selling", "job_notification"],
    ["photos_available", "job_notification"],
    ["order_placed", "order_notification"],
    ["appointment_reminder", "appointment_notification"],
  ] as const)("%s renders in the %s context", (trigger, context) => {
    expect(contextForTrigger(trigger)).toBe(context);
  });
});

describe("filling", () => {
  test("values go in; a missing or blank value takes the fallback, else nothing", () => {
    const text = 'Hi {{customer.first_name | "there"}}{{customer.last_name}}, code {{customer.access_code}}.';
    expect(fillTemplate(text, { "customer.first_name": "Anna", "customer.access_code": "AB12" }, noEscape)).toBe(
      "Hi Anna, code AB12.",
    );
    expect(fillTemplate(text, { "customer.first_name": "  ", "customer.access_code": null }, noEscape)).toBe(
      "Hi there, code .",
    );
    expect(fillTemplate(text, {}, noEscape)).toBe("Hi there, code .");
  });

  test.each([
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    ["O'Brien & Sons", "O&#x27;Brien &amp; Sons"],
    ['"Sunny" <Side>', "&quot;Sunny&quot; &lt;Side&gt;"],
    ["Anna", "Anna"],
  ])("in e-mail HTML the value %p is escaped", (value, shown) => {
    expect(
      fillTemplate('<p title="{{customer.name}}">{{customer.name}}</p>', { "customer.name": value }, escapeHtml),
    ).toBe(`<p title="${shown}">${shown}</p>`);
  });

  test("in SMS the value goes in as typed", () => {
    expect(fillTemplate("Hi {{customer.name}}", { "customer.name": "O'Brien & Sons" }, noEscape)).toBe(
      "Hi O'Brien & Sons",
    );
  });

  test("a template rendered to HTML, quotes turned into entities, still fills", () => {
    const rendered = "<p>Hi {{customer.first_name | &quot;there &amp; hello&quot;}}!</p>";
    expect(fillTemplate(rendered, {}, escapeHtml)).toBe("<p>Hi there &amp; hello!</p>");
    expect(fillTemplate(rendered, { "customer.first_name": "Zoë" }, escapeHtml)).toBe("<p>Hi Zoë!</p>");
  });

  test("snippets fill like any value", () => {
    expect(fillTemplate("{{snippet.shipping_info}}", { "snippet.shipping_info": "Free over $50" }, noEscape)).toBe(
      "Free over $50",
    );
  });

  test("a compiled template lists the keys it needs and refuses broken syntax", () => {
    const fill = compileTemplate("{{customer.gallery_link}} {{customer.name}} {{customer.gallery_link}}");
    expect(fill.keys).toEqual(["customer.gallery_link", "customer.name"]);
    expect(fill({ "customer.gallery_link": "L", "customer.name": "N" }, noEscape)).toBe("L N L");
    expect(() => compileTemplate("Hi {{customer.name")).toThrow(TemplateSyntaxError);
    expect(() => fillTemplate("Hi {{customer.name", {}, noEscape)).toThrow("Unclosed {{ at line 1, column 4");
  });

  test("required keys: those used at least once without a fallback, in order of first use", () => {
    const text =
      '{{customer.first_name | "there"}} {{job.name}} {{customer.first_name}} {{album.name | ""}} {{job.name}} {{studio.phone | "us"}}';
    expect(requiredKeys(text)).toEqual(["job.name", "customer.first_name"]);
    expect(compileTemplate(text).required).toEqual(["job.name", "customer.first_name"]);
    // A broken placeholder stays text and requires nothing.
    expect(requiredKeys("Hi {{customer.first_name")).toEqual([]);
    expect(requiredKeys("No placeholders")).toEqual([]);
  });

  test("the first required value that is missing: null, empty or only white space", () => {
    const keys = ["job.name", "customer.first_name", "customer.last_name"];
    expect(
      firstMissing(keys, { "job.name": "Lincoln", "customer.first_name": "Anna", "customer.last_name": "Smith" }),
    ).toBeNull();
    expect(
      firstMissing(keys, { "job.name": "Lincoln", "customer.first_name": " \t\u00a0", "customer.last_name": null }),
    ).toBe("customer.first_name");
    expect(firstMissing(keys, { "customer.first_name": "Anna" })).toBe("job.name");
    expect(firstMissing([], {})).toBeNull();
    for (const blank of [null, undefined, "", "  ", "\n"]) expect(isBlank(blank)).toBe(true);
    expect(isBlank("0")).toBe(false);
  });

  test("100,000 fills of a 5 KB e-mail with 10 placeholders", () => {
    const keys = [
      "customer.first_name",
      "customer.last_name",
      "customer.access_code",
      "customer.gallery_link",
      "job.name",
      "job.archive_date",
      "studio.name",
      "studio.address",
      "links.unsubscribe_link",
      "links.preferences_link",
    ];
    const paragraph =
      '<p style="margin:0 0 16px;font-family:Helvetica,Arial,sans-serif">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';
    let html = "<!DOCTYPE html><html><body>";
    for (const key of keys) html += `${paragraph}{{${key} | &quot;-&quot;}}</p>\n`;
    while (html.length < 5000) html += `${paragraph}</p>\n`;
    html += "</body></html>";
    const fill = compileTemplate(html);
    const values = Object.fromEntries(keys.map((k) => [k, `${k} of O'Brien & Sons`]));
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) {
      values["customer.first_name"] = `Anna ${i}`;
      // Counting bytes makes each result a real string, as handing it to a provider would.
      bytes += Buffer.byteLength(fill(values, escapeHtml));
    }
    const ms = performance.now() - started;
    console.log(
      `placeholders: 100,000 fills of a ${html.length}-character e-mail with ${keys.length} placeholders took ${ms.toFixed(0)} ms (${((ms * 1000) / 100_000).toFixed(2)} µs each)`,
    );
    expect(bytes).toBeGreaterThan(100_000 * html.length);
  });
});
