// The reader behind test/dependency-direction.test.ts, fed source text directly: every way a
// module can reach another is found, and an import that is only text (a comment, a string) is not.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { readImports, sourceFiles } from "./support/import-reader.ts";

/** What the reader finds in `code` as if it were src/routes/x.ts: kind, specifier, resolved target. */
const found = (code: string, file = "src/routes/x.ts") =>
  readImports(file, code).map((i) => ({ kind: i.kind, spec: i.spec, target: i.target }));

describe("the reader finds every way a module reaches another", () => {
  test("import() of a template literal with no ${…}", () => {
    expect(found("const m = await import(`../routes/jobs.ts`);")).toEqual([
      { kind: "dynamic-import", spec: "../routes/jobs.ts", target: "src/routes/jobs.ts" },
    ]);
  });

  test("import() with import attributes", () => {
    expect(found('const m = await import("../db/client.ts", { with: {} });')).toEqual([
      { kind: "dynamic-import", spec: "../db/client.ts", target: "src/db/client.ts" },
    ]);
  });

  test("import() of a computed name: no specifier, so the direction test can refuse it", () => {
    expect(found("const name = pick(); const m = await import(name);")).toEqual([
      { kind: "dynamic-import", spec: null, target: null },
    ]);
    expect(found("const m = await import(`../${part}/x.ts`);")).toEqual([
      { kind: "dynamic-import", spec: null, target: null },
    ]);
  });

  test('require("…"), import.meta.require("…") and import x = require("…")', () => {
    expect(found('const a = require("../db/client.ts");')).toEqual([
      { kind: "require-call", spec: "../db/client.ts", target: "src/db/client.ts" },
    ]);
    expect(found('const a = import.meta.require("../db/client.ts");')).toEqual([
      { kind: "import-meta-require", spec: "../db/client.ts", target: "src/db/client.ts" },
    ]);
    expect(found('import client = require("../db/client.ts");\nclient;')).toEqual([
      { kind: "require-call", spec: "../db/client.ts", target: "src/db/client.ts" },
    ]);
    expect(found("const a = require(name);")).toEqual([{ kind: "require-call", spec: null, target: null }]);
  });

  test('new URL("…", import.meta.url): a file of ours named at run time', () => {
    expect(found('const u = new URL("../db/client.ts", import.meta.url);')).toEqual([
      { kind: "file-url", spec: "../db/client.ts", target: "src/db/client.ts" },
    ]);
    expect(found('const u = new URL("https://example.com/a", base);')).toEqual([]);
  });

  test("an import after a comment on its line, and a string-named import", () => {
    const i = readImports(
      "src/routes/x.ts",
      '/* c */ import { a } from "../db/a.ts";\nimport { "name" as x } from "../db/b.ts";',
    );
    expect(i.map((x) => [x.target, x.names.map((n) => n.name)])).toEqual([
      ["src/db/a.ts", ["a"]],
      ["src/db/b.ts", ["name"]],
    ]);
  });

  test("type-only imports are found and marked, name by name", () => {
    const code = [
      'import type { A } from "../db/a.ts";',
      'import { type B, C } from "../db/b.ts";',
      'import { type D } from "../db/d.ts";',
      'export type { E } from "../db/e.ts";',
      'export { F } from "../db/f.ts";',
      'export * from "../db/g.ts";',
      'import "../db/h.ts";',
      "export const x = 1;",
    ].join("\n");
    expect(
      readImports("src/routes/x.ts", code).map((i) => ({
        target: i.target,
        typeOnly: i.typeOnly,
        names: i.names.map((n) => (n.typeOnly ? `type ${n.name}` : n.name)),
      })),
    ).toEqual([
      { target: "src/db/a.ts", typeOnly: true, names: ["type A"] },
      { target: "src/db/b.ts", typeOnly: false, names: ["type B", "C"] },
      { target: "src/db/d.ts", typeOnly: true, names: ["type D"] },
      { target: "src/db/e.ts", typeOnly: true, names: ["type E"] },
      { target: "src/db/f.ts", typeOnly: false, names: ["F"] },
      { target: "src/db/g.ts", typeOnly: false, names: [] },
      { target: "src/db/h.ts", typeOnly: false, names: [] },
    ]);
  });

  test("comments with quotes, parentheses and semicolons inside a statement, type-only or not", () => {
    const read = (code: string) =>
      readImports("src/routes/x.ts", code).map((i) => ({
        target: i.target,
        typeOnly: i.typeOnly,
        names: i.names.map((n) => n.name),
      }));
    for (const comment of ["// the db's handle", '// a "quote', "// (see below;", "/* it's ) */"]) {
      expect(read(`import type {\n  Database, ${comment}\n} from "../db/client.ts";`)).toEqual([
        { target: "src/db/client.ts", typeOnly: true, names: ["Database"] },
      ]);
      expect(read(`import {\n  db, ${comment}\n} from ${comment}\n "../db/client.ts";`)).toEqual([
        { target: "src/db/client.ts", typeOnly: false, names: ["db"] },
      ]);
      expect(
        read(
          `import /* x */ type { A } from /* y */ "../db/a.ts"; ${comment}\nexport { b } ${comment}\n from "../db/b.ts";`,
        ),
      ).toEqual([
        { target: "src/db/a.ts", typeOnly: true, names: ["A"] },
        { target: "src/db/b.ts", typeOnly: false, names: ["b"] },
      ]);
    }
    expect(read('import { a } from /* why */ "../db/a.ts";')).toEqual([
      { target: "src/db/a.ts", typeOnly: false, names: ["a"] },
    ]);
  });

  test('type-level imports: import("…") in a type, typeof import("…"), import type T = require("…")', () => {
    const read = (code: string) =>
      readImports("src/routes/x.ts", code).map((i) => ({ target: i.target, typeOnly: i.typeOnly }));
    expect(read('type D = import("../db/client.ts").Database;\nexport const d: D | null = null;')).toEqual([
      { target: "src/db/client.ts", typeOnly: true },
    ]);
    expect(read("export let c: typeof import('../db/c.ts') | undefined;")).toEqual([
      { target: "src/db/c.ts", typeOnly: true },
    ]);
    expect(read('import type T = require("../db/t.ts");\nexport let t: T | undefined;')).toEqual([
      { target: "src/db/t.ts", typeOnly: true },
    ]);
    // A value import() beside a type one is read once as a value, once as a type.
    expect(read('const m = await import("../db/m.ts");\nexport let n: typeof import("../db/m.ts") = m;')).toEqual([
      { target: "src/db/m.ts", typeOnly: true },
      { target: "src/db/m.ts", typeOnly: false },
    ]);
    // Written in a comment, a string or a template, it is text.
    expect(
      read(
        '// type D = import("../db/a.ts").A\nconst s = "typeof import(\'../db/b.ts\')", t = `import("../db/c.ts")`;',
      ),
    ).toEqual([]);
  });

  test("escapes in a specifier are read as the path they spell", () => {
    expect(found("import { a } from \"\\u002e./db/client.ts\";\nexport { b } from '\\x2e\\x2e/db/b.ts';")).toEqual([
      { kind: "import-statement", spec: "../db/client.ts", target: "src/db/client.ts" },
      { kind: "import-statement", spec: "../db/b.ts", target: "src/db/b.ts" },
    ]);
  });

  test("require and import.meta.require reached other than by a direct call fail loudly", () => {
    for (const code of [
      'const r = require; r("../db/client.ts");',
      'import { createRequire } from "node:module";\ncreateRequire(import.meta.url)("../db/client.ts");',
      'globalThis.require("../db/client.ts");',
      'const load = import.meta.require; load("../db/client.ts");',
      'const meta = import.meta; meta.require("../db/client.ts");',
    ])
      expect(() => readImports("src/routes/x.ts", code)).toThrow("the reader cannot follow");
  });

  test("JSX text with quotes and slashes does not hide the imports around it", () => {
    const code = [
      'import { a } from "../db/a.ts";',
      "export const V = () => <p>Don't / won't \"quote\" {`x`}</p>;",
      'const m = await import("../db/b.ts");',
    ].join("\n");
    expect(found(code, "src/routes/x.tsx").map((i) => i.target)).toEqual(["src/db/a.ts", "src/db/b.ts"]);
  });
});

describe("an import that is only text is not an import", () => {
  test("inside a block comment", () => {
    expect(
      found('/*\nimport { db } from "../db/client.ts";\nawait import("../db/client.ts");\n*/\nexport {};'),
    ).toEqual([]);
  });

  test("inside a template string", () => {
    expect(found('const t = `\nimport { db } from "../db/client.ts";\nrequire("../db/x.ts")\n`;')).toEqual([]);
  });

  test("inside a plain string", () => {
    expect(
      found(
        "const s = 'a \\\nimport { db } from \"../db/client.ts\"';\nconst u = \"new URL('../db/x.ts', import.meta.url) import('../db/y.ts') import(y)\";",
      ),
    ).toEqual([]);
  });

  test("a method named import or require, and a call of one", () => {
    expect(
      found(
        "class A { import(rows: string[]) { return rows; } }\nconst o = { require(x: number) { return x; }, async *import() {} };\no.require(1);\nnew A().import([]);\nthis\n  .import(2);",
      ),
    ).toEqual([]);
  });

  test("a regular expression right after the ) of an if or while", () => {
    expect(
      found(
        'declare const ok: boolean, s: string;\nif (ok) /import("..\\/db\\/x.ts")/.test(s);\nwhile (ok) /require("..\\/db\\/y.ts")/.test(s);',
      ),
    ).toEqual([]);
  });

  test("inside a regular expression", () => {
    expect(
      found(String.raw`const re = /import("\.\.\/db\/x\.ts")|require\(y\)/; const half = 1 / 2, r2 = /'/;`),
    ).toEqual([]);
  });
});

describe("the files read", () => {
  const root = mkdtempSync(join(tmpdir(), "pigeon-import-reader-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("every script file outside the tooling folders, whatever its extension", () => {
    const files = [
      "src/a.ts",
      "src/b.js",
      "src/routes/c.mts",
      "views/d.cts",
      "emails/e.jsx",
      "views/f.tsx",
      "src/g.mjs",
      "src/h.cjs",
      "lib/i.ts",
      "j.ts",
      "src/types.d.ts",
      "test/k.test.ts",
      "bench/l.ts",
      "scripts/m.ts",
      "static/n.js",
      "node_modules/o/index.js",
      "drizzle.config.ts",
      "src/p.css",
    ];
    for (const f of files) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), "export {};\n");
    }
    expect(sourceFiles(root)).toEqual([
      "emails/e.jsx",
      "j.ts",
      "lib/i.ts",
      "src/a.ts",
      "src/b.js",
      "src/g.mjs",
      "src/h.cjs",
      "src/routes/c.mts",
      "views/d.cts",
      "views/f.tsx",
    ]);
  });
});
