// Seeding a benchmark database fast and still in the state the app would have left it.
import type { Database } from "../../src/db/client.ts";

/**
 * What the triggers on customers, suppressions and phone lookups keep (the search index,
 * customer_reach and its numbered addresses), built once set-based after the bulk inserts
 * instead of row by row: the seed takes a fraction of the time and ends in the same state.
 */
export async function withoutCustomerTriggers(db: Database, fill: () => Promise<void>) {
  const run = (q: string) => db.$client.execute(q);
  const triggers = (
    await db.$client.execute(
      "select name, sql from sqlite_master where type = 'trigger' and tbl_name in ('customers', 'suppressions', 'phone_lookups')",
    )
  ).rows.map((r) => ({ name: String(r.name), sql: String(r.sql) }));
  for (const t of triggers) await run(`drop trigger ${t.name}`);
  await fill();
  await run(`insert into reach_addresses (address) select distinct v from (
    select nullif(email, '') as v from customers union all select nullif(phone, '') from customers) where v is not null`);
  await run("insert into customer_reach select * from customer_reach_now");
  await run(`insert into customers_fts (rowid, name, email, phone)
    select id, first_name || ' ' || last_name, coalesce(email, ''), coalesce(phone, '') from customers`);
  for (const t of triggers) await run(t.sql);
}
