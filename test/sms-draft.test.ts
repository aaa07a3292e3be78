// "Copy from e-mail": the plain SMS draft of a Markdown e-mail body (src/core/sms-draft.ts).
import { describe, expect, test } from "bun:test";
import { smsDraft } from "../src/core/sms-draft.ts";

describe("smsDraft: a plain SMS from an e-mail's Markdown", () => {
  test("links keep their URL, after their words", () => {
    expect(smsDraft("See the [Gallery](https://x.example/g) now")).toBe("See the Gallery: https://x.example/g now");
    expect(smsDraft("[https://x.example](https://x.example)")).toBe("https://x.example");
    expect(smsDraft("Mail <https://x.example/a>")).toBe("Mail https://x.example/a");
  });

  test("a placeholder link keeps its placeholder, underscores and fallback untouched", () => {
    expect(smsDraft("[Order]({{customer.gallery_link}})")).toBe("Order: {{customer.gallery_link}}");
    expect(smsDraft('Hi {{customer.first_name | "there"}}, code _{{customer.access_code}}_')).toBe(
      'Hi {{customer.first_name | "there"}}, code {{customer.access_code}}',
    );
  });

  test("bold, italics, strike-through and code lose their marks", () => {
    expect(smsDraft("**Sale** ends *today*, __really__ _soon_ ~~not~~ `now`")).toBe(
      "Sale ends today, really soon not now",
    );
    expect(smsDraft("2 * 3 = 6 and snake_case_words stay")).toBe("2 * 3 = 6 and snake_case_words stay");
  });

  test("headings lose their hashes; rules, fences and images go", () => {
    const md = "# Picture day\n\n![class photo](https://x.example/a.png)\n\n---\n\n```\ncode\n```\n## Soon ##";
    expect(smsDraft(md)).toBe("Picture day\n\ncode\nSoon");
  });

  test("lists stay lists with plain dashes; numbers stay", () => {
    expect(smsDraft("Bring:\n* a comb\n+ a smile\n- **shoes**\n\n1. First\n2. Second")).toBe(
      "Bring:\n- a comb\n- a smile\n- shoes\n\n1. First\n2. Second",
    );
  });

  test("emoji and accents are kept as they are", () => {
    expect(smsDraft("**Grüße** 📸 from the studio 👋🏽")).toBe("Grüße 📸 from the studio 👋🏽");
  });

  test("whitespace is tidied: trailing spaces, runs of blank lines, CRLF, HTML breaks", () => {
    expect(smsDraft("  \r\nHello   there  \r\n\r\n\r\n\r\n> quoted<br>line\n\n")).toBe("Hello there\n\nquoted\nline");
  });

  test("an empty body gives an empty draft", () => {
    expect(smsDraft("")).toBe("");
    expect(smsDraft("![only](https://x.example/i.png)")).toBe("");
  });
});
