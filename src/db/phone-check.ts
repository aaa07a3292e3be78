// `pigeon check-phones`: the stored numbers that need a look now that numbers are read by
// country (see storedNumberProblem) — every customer's, and the studio's own.
import { and, asc, gt, isNotNull } from "drizzle-orm";
import { studioCountry } from "../core/country.ts";
import { storedNumberProblem } from "../core/phone.ts";
import type { Db } from "./client.ts";
import { customers } from "./schema.ts";
import { getSettings } from "./settings.ts";

export type NumberProblem = { where: string; number: string; problem: string; todo: string };

const PAGE = 2_000;

/** Every stored number that no longer validates or looks misread, and how many numbers were checked. */
export async function storedNumberProblems(db: Db): Promise<{ checked: number; problems: NumberProblem[] }> {
  const settings = await getSettings(db);
  const home = studioCountry(settings);
  const problems: NumberProblem[] = [];
  let checked = 0;
  for (const [field, label] of [["phone", "Phone"], ["smsFrom", "SMS sender number"]] as const) {
    const number = settings[field];
    if (!number) continue;
    checked++;
    const problem = storedNumberProblem(number, home);
    if (problem) problems.push({ where: `Studio settings, ${label}`, number, problem, todo: `correct it in Settings → Studio (${label})` });
  }
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ id: customers.id, firstName: customers.firstName, lastName: customers.lastName, phone: customers.phone, country: customers.country })
      .from(customers)
      .where(and(isNotNull(customers.phone), gt(customers.id, after)))
      .orderBy(asc(customers.id))
      .limit(PAGE);
    if (!rows.length) break;
    after = rows.at(-1)!.id;
    for (const c of rows) {
      checked++;
      const problem = storedNumberProblem(c.phone!, c.country ?? home);
      if (!problem) continue;
      const name = `${c.firstName} ${c.lastName}`.trim() || "(no name)";
      problems.push({
        where: `Customer ${c.id} ${name}`,
        number: c.phone!,
        problem,
        todo: `edit the customer (/customers/${c.id}/edit) and type the number again, with its country code or the customer's country; or import the file again with a country column`,
      });
    }
  }
  return { checked, problems };
}
