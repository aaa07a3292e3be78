// `pigeon check-phones`: the stored numbers that need a look now that numbers are read by
// country (see storedNumberProblem) — every customer's, and the studio's own.
import { and, asc, gt, isNotNull } from "drizzle-orm";
import { countryName, studioCountry } from "../core/country.ts";
import { formatPhone, type StoredNumberProblem, storedNumberProblem } from "../core/phone.ts";
import type { Db } from "./client.ts";
import { customers } from "./schema.ts";
import { getSettings } from "./settings.ts";

export type NumberProblem = { where: string; number: string; problem: string; todo: string };

const PAGE = 2_000;

/** Stored text as the terminal should print it: control characters (escape sequences) shown as "?". */
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");

/**
 * What staff do about a customer's number. For one that may be misread, nothing that could turn a
 * right number into a wrong one: they ask, then either mark the customer North American (and the
 * number is no longer listed) or type the other reading.
 */
function customerTodo(id: number, p: StoredNumberProblem): string {
  const edit = `/customers/${id}/edit`;
  if (!p.misread)
    return `edit the customer (${edit}) and type the number again, with its country code or the customer's country; or import the file again with a country column`;
  const { country, maybeTypedAs } = p.misread;
  const other = maybeTypedAs
    ? `type ${formatPhone(maybeTypedAs, country)} as their phone there`
    : "type their number there as they give it, with its country code";
  return `ask the customer which is theirs. If it is the North American one, set the customer's country to the United States or Canada (${edit}) and it is no longer listed; if it is the one in ${countryName(country)}, ${other}`;
}

/** Every stored number that no longer validates or looks misread, and how many numbers were checked. */
export async function storedNumberProblems(db: Db): Promise<{ checked: number; problems: NumberProblem[] }> {
  const settings = await getSettings(db);
  const home = studioCountry(settings);
  const problems: NumberProblem[] = [];
  let checked = 0;
  for (const [field, label] of [
    ["phone", "Phone"],
    ["smsFrom", "SMS sender number"],
  ] as const) {
    const number = settings[field];
    if (!number) continue;
    checked++;
    // A sender number is often bought abroad (a US Twilio number): only one that no longer validates is listed.
    const p = storedNumberProblem(number, home, field === "phone");
    if (!p) continue;
    const todo = p.misread
      ? `if the studio's number is the North American one, nothing to do; if not, correct it in Settings → Studio (${label})`
      : `correct it in Settings → Studio (${label})`;
    problems.push({ where: `Studio settings, ${label}`, number: printable(number), problem: p.problem, todo });
  }
  let after = 0;
  for (;;) {
    const rows = await db
      .select({
        id: customers.id,
        firstName: customers.firstName,
        lastName: customers.lastName,
        phone: customers.phone,
        country: customers.country,
      })
      .from(customers)
      .where(and(isNotNull(customers.phone), gt(customers.id, after)))
      .orderBy(asc(customers.id))
      .limit(PAGE);
    if (!rows.length) break;
    after = rows.at(-1)!.id;
    for (const c of rows) {
      checked++;
      // A country stored in lower case ("de", by hand or an old import) is still that country.
      const p = storedNumberProblem(c.phone!, c.country?.trim() || home);
      if (!p) continue;
      const name = `${c.firstName} ${c.lastName}`.trim() || "(no name)";
      problems.push({
        where: printable(`Customer ${c.id} ${name}`),
        number: printable(c.phone!),
        problem: p.problem,
        todo: customerTodo(c.id, p),
      });
    }
  }
  return { checked, problems };
}
