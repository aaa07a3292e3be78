// Dependencies point one way (README, "How the code is laid out"): every import in src/, views/
// and emails/ — `import type` and `export … from` included — is read from the source and checked
// against the table below, so a new arrow against the direction fails here, naming file → import.
// A static parse, not the bundler's: type-only imports vanish from a bundle but still tie a
// module to another.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

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
  /^node:(fs|net|http|https|child_process|os)/,
  /^bun$/,
];

type Import = {
  file: string;
  spec: string;
  target: string | null;
  typeOnly: boolean;
  names: { name: string; typeOnly: boolean }[];
};

function sourceFiles(): string[] {
  const out: string[] = [];
  for (const pattern of ["src/**/*.{ts,tsx}", "views/**/*.{ts,tsx}", "emails/**/*.{ts,tsx}"]) {
    for (const f of new Bun.Glob(pattern).scanSync({ cwd: ROOT })) if (!f.endsWith(".d.ts")) out.push(f);
  }
  return out.sort();
}

// `import … from "x"`, `import "x"`, `export … from "x"` at the start of a line (so comments that
// quote code are skipped), spanning lines; and `import("x")` anywhere.
const STATIC =
  /^[ \t]*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*["']([^"']+)["']|^[ \t]*import\s+["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function parseNames(clause: string): { name: string; typeOnly: boolean }[] {
  const braces = clause.match(/\{([^}]*)\}/);
  const names = braces
    ? braces[1]!
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  const out = names.map((s) => ({
    name: s
      .replace(/^type\s+/, "")
      .split(/\s+as\s+/)[0]!
      .trim(),
    typeOnly: /^type\s/.test(s),
  }));
  const rest = clause
    .replace(/\{[^}]*\}/, "")
    .replace(/,/g, " ")
    .trim();
  // A default or namespace import is a value import.
  if (rest) out.push({ name: rest, typeOnly: false });
  return out;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const resolve = (spec: string) => (spec.startsWith(".") ? normalize(join(dirname(file), spec)) : null);
  const out: Import[] = [];
  for (const m of text.matchAll(STATIC)) {
    const spec = (m[4] ?? m[5])!;
    const names = m[3] !== undefined ? parseNames(m[3]) : [];
    const typeOnly = !!m[2] || (names.length > 0 && names.every((n) => n.typeOnly));
    out.push({ file, spec, target: resolve(spec), typeOnly, names });
  }
  for (const m of text.matchAll(DYNAMIC))
    out.push({ file, spec: m[1]!, target: resolve(m[1]!), typeOnly: false, names: [] });
  return out;
}

/** The part a path belongs to: src/<folder>, src/<file>, or the top folder. */
function partOf(path: string): string {
  const [top, second, third] = path.split("/");
  if (top === "src") return third !== undefined ? second! : second!.replace(/\.(d\.)?tsx?$/, "");
  return top!;
}

function violations(imports: Import[]): string[] {
  const out: string[] = [];
  for (const i of imports) {
    const from = partOf(i.file);
    if (!i.target) {
      if (from === "core" && NOT_IN_CORE.some((re) => re.test(i.spec)))
        out.push(`${i.file} → ${i.spec}: core is pure and imports no I/O, web or database package`);
      continue;
    }
    const to = partOf(i.target);
    if (to === from) continue;
    if (!(from in ALLOWED)) {
      out.push(`${i.file} → ${i.target}: "${from}" is not in the table of allowed arrows; add it where it belongs`);
      continue;
    }
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
function cycles(imports: Import[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles()) graph.set(f, []);
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
  const imports = sourceFiles().flatMap(importsOf);

  test("the parse finds the imports (a sanity check on the reader itself)", () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.file === "src/app.ts" && i.target === "src/routes/jobs.ts")).toBe(true);
    expect(imports.some((i) => i.typeOnly && i.file === "src/app.ts" && i.target === "src/deps.ts")).toBe(true);
  });

  test("no import goes against the direction", () => {
    expect(violations(imports)).toEqual([]);
  });

  test("no two modules import each other, directly or around a circle", () => {
    expect(cycles(imports).map((c) => `these import each other, around a circle: ${c.join(", ")}`)).toEqual([]);
  });

  test("every exception still names an import that exists", () => {
    for (const e of EXCEPTIONS) expect(imports.some((i) => i.file === e.from && i.target === e.to)).toBe(true);
  });
});
