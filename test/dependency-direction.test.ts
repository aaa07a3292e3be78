// Dependencies point one way (README, "How the code is laid out"): every import in src/, views/
// and emails/ — `import type`, `export … from`, import(), require() included — is read from the
// source (test/support/import-reader.ts) and checked against the table below, so a new arrow
// against the direction fails here, naming file → import. Type-only imports vanish from a bundle
// but still tie a module to another, so they count. A script file in any other folder than the
// tooling ones fails as not in the table.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { isAbsolute, join } from "node:path";
import { type Import, SCRIPT_EXTENSION, readImports, sourceFiles } from "./support/import-reader.ts";

const ROOT = join(import.meta.dir, "..");

/**
 * What each part may import besides itself (npm packages aside). Parts are the folders of src/
 * (src/routes/api is routes), src/'s single files by name, views, emails and static. It mirrors
 * the README: pure rules at the bottom, then the database, providers and e-mail rendering, the
 * sending side, the automation, the web layer, and the entry points on top.
 */
const ALLOWED: Record<string, string[]> = {
  core: [],
  resources: [],
  log: [],
  config: [],
  "static-assets": ["core", "static"],
  providers: ["core"],
  emails: ["core"],
  email: ["core", "emails"],
  db: ["core", "log", "resources"],
  dispatch: ["core", "db", "providers", "email", "config", "log"],
  deps: ["core", "db", "dispatch", "config", "log"],
  automation: ["core", "db", "dispatch", "deps"],
  views: ["core", "db", "static-assets"],
  http: ["core", "db", "deps", "log", "views"],
  routes: [
    "core",
    "db",
    "dispatch",
    "automation",
    "providers",
    "email",
    "http",
    "views",
    "deps",
    "config",
    "log",
    "static-assets",
  ],
  scheduler: ["core", "db", "automation", "deps", "log"],
  app: ["core", "http", "routes", "deps"],
  cli: ["core", "db", "routes", "app", "scheduler", "deps", "config", "log"],
  main: ["core", "db", "cli"],
};

/** Arrows the table allows only without a runtime tie: the importer may name these parts' types, nothing else. */
const TYPES_ONLY: Record<string, string[]> = {
  // A view renders rows as the database gives them (Job, Message, OutboxRow); it never queries.
  views: ["db"],
};

/** Single arrows the table does not allow, each with why it stays. Keep this list short. */
const EXCEPTIONS: { from: string; to: string; why: string }[] = [
  {
    from: "src/db/dev-outbox-store.ts",
    to: "src/providers/dev-outbox.ts",
    why: "the dev outbox defines the store it needs (types only); db implements it",
  },
];

/**
 * Types a route takes from a view: a page's props are the view's own contract, but state a route
 * computes (form state, counts, previews, queries) lives in core or db where both can read it.
 */
const VIEW_TYPES_ROUTES_MAY_USE = (name: string) => name.endsWith("Props");

/** Packages that do I/O or belong to the web or database layer: the pure core never imports them. */
const NOT_IN_CORE = [
  /^drizzle-orm/,
  /^@libsql\//,
  /^libsql/,
  /^hono/,
  /^resend/,
  /^twilio/,
  /^croner/,
  /^node:(fs|net|http|https|http2|child_process|os|dgram|dns|tls|worker_threads|cluster)\b/,
  /^bun(:|$)/,
];

/** The part a path belongs to: src/<folder>, src/<file>, or the top folder. */
function partOf(path: string): string {
  const [top, second, third] = path.split("/");
  if (top === "src")
    return third !== undefined ? second! : second!.replace(/\.d(?=\.[mc]?ts$)/, "").replace(SCRIPT_EXTENSION, "");
  return top!;
}

/** A package specifier as core sees it: a bare builtin ("fs") is the same module as "node:fs". */
const asCoreSees = (spec: string) => (isBuiltin(spec) && !/^(node|bun):/.test(spec) ? `node:${spec}` : spec);

function violations(files: string[], imports: Import[]): string[] {
  const out: string[] = [];
  for (const file of files)
    if (!(partOf(file) in ALLOWED))
      out.push(`${file}: "${partOf(file)}" is not in the table of allowed arrows; add it where it belongs`);
  for (const i of imports) {
    const from = partOf(i.file);
    if (i.spec === null) {
      out.push(`${i.file} → ${i.kind} of a computed path: name the file, so this table can check the arrow`);
      continue;
    }
    if (isAbsolute(i.spec) || i.spec.startsWith("file:")) {
      out.push(`${i.file} → ${i.spec}: an absolute path ties the code to one machine's folders; import it relatively`);
      continue;
    }
    if (!i.target) {
      if (from === "core" && NOT_IN_CORE.some((re) => re.test(asCoreSees(i.spec!))))
        out.push(`${i.file} → ${i.spec}: core is pure and imports no I/O, web or database package`);
      continue;
    }
    const to = partOf(i.target);
    if (to === from || !(from in ALLOWED)) continue;
    if (EXCEPTIONS.some((e) => e.from === i.file && e.to === i.target)) continue;
    if (!ALLOWED[from]!.includes(to)) {
      out.push(
        `${i.file} → ${i.target}: ${from} → ${to} is against the direction (${from} may import ${ALLOWED[from]!.join(", ") || "only itself"})`,
      );
    } else if (TYPES_ONLY[from]?.includes(to) && !i.typeOnly) {
      const values = i.names.filter((n) => !n.typeOnly).map((n) => n.name);
      out.push(`${i.file} → ${i.target}: ${from} may take only types from ${to}, not ${values.join(", ") || "values"}`);
    } else if (from === "routes" && to === "views") {
      const types = i.names
        .filter((n) => n.typeOnly || i.typeOnly)
        .map((n) => n.name)
        .filter((n) => !VIEW_TYPES_ROUTES_MAY_USE(n));
      if (types.length)
        out.push(
          `${i.file} → ${i.target}: a route takes ${types.join(", ")} from a view; state both use lives in core or db, and the view imports it from there`,
        );
    }
  }
  return out;
}

/** Import cycles between files (Tarjan's strongly connected components), each as its files. */
function cycles(files: string[], imports: Import[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of files) graph.set(f, []);
  for (const i of imports) if (i.target && graph.has(i.target)) graph.get(i.file)!.push(i.target);
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("dependencies point one way", () => {
  const files = sourceFiles(ROOT);
  const imports = files.flatMap((f) => readImports(f, readFileSync(join(ROOT, f), "utf8")));

  test("the parse finds the imports (a sanity check on the reader itself)", () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.file === "src/app.ts" && i.target === "src/routes/jobs.ts")).toBe(true);
    expect(imports.some((i) => i.typeOnly && i.file === "src/app.ts" && i.target === "src/deps.ts")).toBe(true);
  });

  test("no import goes against the direction", () => {
    expect(violations(files, imports)).toEqual([]);
  });

  test("no two modules import each other, directly or around a circle", () => {
    expect(cycles(files, imports).map((c) => `these import each other, around a circle: ${c.join(", ")}`)).toEqual([]);
  });

  test("every exception still names an import that exists", () => {
    for (const e of EXCEPTIONS) expect(imports.some((i) => i.file === e.from && i.target === e.to)).toBe(true);
  });
});

describe("the table refuses what it cannot check or must not allow (fixtures)", () => {
  const check = (file: string, code: string) => violations([file], readImports(file, code));

  test("core importing a builtin without node:, bun:sqlite, or an absolute path", () => {
    expect(
      check("src/core/x.ts", 'import { readFileSync } from "fs";\nimport { Database } from "bun:sqlite";'),
    ).toEqual([
      "src/core/x.ts → fs: core is pure and imports no I/O, web or database package",
      "src/core/x.ts → bun:sqlite: core is pure and imports no I/O, web or database package",
    ]);
    expect(check("src/core/x.ts", 'import { db } from "/work/pigeon/src/db/client.ts";')).toEqual([
      "src/core/x.ts → /work/pigeon/src/db/client.ts: an absolute path ties the code to one machine's folders; import it relatively",
    ]);
    expect(check("src/core/x.ts", 'import { createHash } from "node:crypto";\nimport { z } from "zod";')).toEqual([]);
  });

  test("a file in a folder the table does not know, whatever it imports", () => {
    expect(check("lib/x.ts", 'import { db } from "../src/db/client.ts";')).toEqual([
      'lib/x.ts: "lib" is not in the table of allowed arrows; add it where it belongs',
    ]);
    expect(check("lib/y.js", "export const y = 1;")).toEqual([
      'lib/y.js: "lib" is not in the table of allowed arrows; add it where it belongs',
    ]);
  });

  test("an import of a computed path, and a file of ours named by URL", () => {
    expect(check("src/routes/x.ts", "const m = await import(name);")).toEqual([
      "src/routes/x.ts → dynamic-import of a computed path: name the file, so this table can check the arrow",
    ]);
    expect(check("src/core/x.ts", 'const u = new URL("../db/client.ts", import.meta.url);')).toEqual([
      "src/core/x.ts → src/db/client.ts: core → db is against the direction (core may import only itself)",
    ]);
  });

  test("a new .js, .mts or .jsx file in a known part is held to its part's arrows", () => {
    expect(check("src/core/x.js", 'import { db } from "../db/client.ts";')).toEqual([
      "src/core/x.js → src/db/client.ts: core → db is against the direction (core may import only itself)",
    ]);
    expect(check("src/log.mts", 'import "./db/client.ts";')).toEqual([
      "src/log.mts → src/db/client.ts: log → db is against the direction (log may import only itself)",
    ]);
    expect(check("views/x.jsx", 'import { listJobs } from "../src/db/jobs.ts";')).toEqual([
      "views/x.jsx → src/db/jobs.ts: views may take only types from db, not listJobs",
    ]);
  });
});
