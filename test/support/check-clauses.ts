// The CHECK constraints of a table, read from the CREATE TABLE text SQLite keeps in sqlite_master:
// SQLite has no PRAGMA that lists them.

/** Each `CONSTRAINT "name" CHECK(...)` clause: its name and the expression inside the parentheses. */
export function checkClauses(createTable: string): { name: string; body: string }[] {
  const found: { name: string; body: string }[] = [];
  const start = /CONSTRAINT\s+["`]?(\w+)["`]?\s+CHECK\s*\(/gi;
  for (let m = start.exec(createTable); m; m = start.exec(createTable)) {
    // The closing parenthesis is the one that balances, outside string literals.
    let depth = 1;
    let quoted = false;
    let i = start.lastIndex;
    for (; i < createTable.length && depth; i++) {
      const c = createTable[i];
      if (c === "'") quoted = !quoted;
      else if (!quoted && c === "(") depth++;
      else if (!quoted && c === ")") depth--;
    }
    found.push({ name: m[1]!, body: createTable.slice(start.lastIndex, i - 1) });
  }
  return found;
}
