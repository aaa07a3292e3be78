// Reads what a source file imports, for test/dependency-direction.test.ts. Bun's own parser
// (Bun.Transpiler) decides what is code: an import written in a comment, a string or a template
// is text, and every form a module can reach another by is found — statements, import() with any
// argument, require(), import.meta.require(), `import x = require()`, new URL(…, import.meta.url).
// The parser drops type-only imports, which still tie one module to another, so those are read
// from the text (comments in them skipped, escapes in paths decoded) and each kept only when the
// parser, shown it as a value import, sees it too; `import("…")` in a type and `import type T =
// require("…")` are kept when a backslash put before them breaks the parse. A loader the reader
// cannot follow to a path (createRequire, an aliased require, import.meta handed on) fails the read.
import { readdirSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

export type Import = {
  file: string;
  /** The specifier as written; null when it is computed (`import(name)`), which no table can check. */
  spec: string | null;
  /** How the file reaches it: import-statement, dynamic-import, require-call, import-meta-require, file-url. */
  kind: string;
  /** The repository path a relative specifier names; null for a package. */
  target: string | null;
  typeOnly: boolean;
  names: { name: string; typeOnly: boolean }[];
};

/** Script files by extension, and the loader Bun parses each with. */
const LOADERS: Record<string, "ts" | "tsx" | "jsx"> = {
  ts: "ts",
  mts: "ts",
  cts: "ts",
  tsx: "tsx",
  js: "jsx",
  mjs: "jsx",
  cjs: "jsx",
  jsx: "jsx",
};
export const SCRIPT_EXTENSION = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;

/**
 * Top-level folders and files that are not part of the application: tooling and tests may import
 * anything of ours, static/ is served to the browser as it is, the rest is output or packages.
 * Every other script file belongs to a part of the table, or the direction test fails on it.
 */
const NOT_APPLICATION = new Set([
  "node_modules",
  "test",
  "bench",
  "scripts",
  "static",
  "migrations",
  "dist",
  "data",
  "test-results",
  "drizzle.config.ts",
]);

/** Every application script file under root, relative and sorted (declaration files aside). */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(".") || NOT_APPLICATION.has(entry)) continue;
    if (statSync(join(root, entry)).isDirectory()) {
      for (const f of new Bun.Glob("**/*").scanSync({ cwd: join(root, entry) }))
        if (SCRIPT_EXTENSION.test(f) && !/\.d\.[mc]?ts$/.test(f)) out.push(`${entry}/${f}`);
    } else if (SCRIPT_EXTENSION.test(entry) && !/\.d\.[mc]?ts$/.test(entry)) out.push(entry);
  }
  return out.sort();
}

const transpilers = new Map<string, Bun.Transpiler>();
function transpilerFor(file: string): Bun.Transpiler {
  const loader = LOADERS[file.match(SCRIPT_EXTENSION)?.[1] ?? "ts"]!;
  let t = transpilers.get(loader);
  if (!t) transpilers.set(loader, (t = new Bun.Transpiler({ loader })));
  return t;
}

/** Pieces of the patterns below: a comment, a quoted string, and space that may hold comments. */
const COMMENT = String.raw`//[^\n]*|/\*[\s\S]*?\*/`;
const STRING = String.raw`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'`;
const GAP = String.raw`(?:\s|${COMMENT})*`;

/**
 * Candidates for import and export-from statements in the source text, type-only ones included.
 * Comments may stand anywhere inside, with any quote or bracket in them. Text in comments and
 * strings matches too; the parser sorts those out (see readImports).
 */
const STATEMENT = new RegExp(
  String.raw`\b(import|export)((?:\s|${COMMENT})+type\b(?!\s*from\s*["']))?((?:(?!\b(?:import|export)\b)(?:[^;"'${"`"}()/]|${STRING}|${COMMENT}|/(?![/*])))*?)\bfrom${GAP}(["'])((?:(?!\4)[^\\\n]|\\.)*)\4|\bimport${GAP}(["'])((?:(?!\6)[^\\\n]|\\.)*)\6`,
  "g",
);

/**
 * Candidates for imports that live in types only, which the parser drops with the types:
 * `import("…")` in a type (`typeof import("…")` too) and `import type T = require("…")`.
 */
const TYPE_LEVEL = new RegExp(
  String.raw`(?<![\w$.])import${GAP}\(${GAP}(${STRING})|\bimport${GAP}type${GAP}[\w$]+${GAP}=${GAP}require${GAP}\(${GAP}(${STRING})`,
  "g",
);

/** The comments in `text` replaced by a space, its strings kept. */
const stripComments = (text: string) =>
  text.replace(new RegExp(`${STRING}|${COMMENT}`, "g"), (t) => (t.startsWith("/") ? " " : t));

/** What a string literal's inside spells once its escapes are read (`\u002e` is `.`). */
export function decodeString(raw: string): string {
  const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0" };
  return raw.replace(
    /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\n\r\u2028\u2029])|([\s\S]))/g,
    (_, cp?: string, u?: string, x?: string, newline?: string, other?: string) => {
      const hex = cp ?? u ?? x;
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      if (newline) return "";
      return simple[other!] ?? other!;
    },
  );
}

function parseNames(clause: string, wholeTypeOnly: boolean): { name: string; typeOnly: boolean }[] {
  const braces = clause.match(/\{([^}]*)\}/);
  const out = (braces ? braces[1]!.split(",") : [])
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => ({
      name: s
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)[0]!
        .trim()
        .replace(/^["'](.*)["']$/, "$1"),
      typeOnly: wholeTypeOnly || /^type\s/.test(s),
    }));
  // A default or namespace import is a name too (`export * from` names none).
  const rest = clause
    .replace(/\{[^}]*\}/, "")
    .replace(/,/g, " ")
    .trim();
  if (rest && rest !== "*") out.push({ name: rest, typeOnly: wholeTypeOnly });
  return out;
}

/**
 * A copy of JavaScript with the insides of strings, templates, regular expressions and comments
 * blanked (same length, newlines kept), so code can be searched without matching text.
 */
export function blankText(js: string): string {
  const out = js.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== "\n") out[k] = " ";
  };
  // A slash starts a regular expression after an operator or one of these words, else divides.
  const beforeRegex = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void"]);
  for (const w of ["throw", "case", "do", "else", "yield", "await"]) beforeRegex.add(w);
  const templates: number[] = []; // brace depth at each open `${`
  let depth = 0;
  let regexAllowed = true;
  // After the `)` of `if (…)`, `while (…)`, `for (…)` or `with (…)` a statement starts, so a slash
  // there starts a regular expression; after any other `)` it divides.
  const parens: boolean[] = [];
  let word = "";
  let i = 0;
  // Template text from i to the closing backtick (done) or the next `${` (back to code).
  const template = () => {
    const start = i;
    while (i < js.length) {
      if (js[i] === "\\") i += 2;
      else if (js[i] === "`") {
        blank(start, i);
        i++;
        regexAllowed = false;
        return;
      } else if (js[i] === "$" && js[i + 1] === "{") {
        blank(start, i);
        i += 2;
        templates.push(++depth);
        regexAllowed = true;
        return;
      } else i++;
    }
    blank(start, i);
  };
  while (i < js.length) {
    const c = js[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "/" && js[i + 1] === "/") {
      const end = js.indexOf("\n", i);
      blank(i, end < 0 ? js.length : end);
      i = end < 0 ? js.length : end;
    } else if (c === "/" && js[i + 1] === "*") {
      const end = js.indexOf("*/", i + 2);
      blank(i, end < 0 ? js.length : end + 2);
      i = end < 0 ? js.length : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < js.length && js[j] !== c && js[j] !== "\n") j += js[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      regexAllowed = false;
    } else if (c === "`") {
      i++;
      template();
    } else if (c === "/" && regexAllowed) {
      let j = i + 1;
      let inClass = false;
      while (j < js.length && js[j] !== "\n" && (inClass || js[j] !== "/")) {
        if (js[j] === "\\") j++;
        else if (js[j] === "[") inClass = true;
        else if (js[j] === "]") inClass = false;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      regexAllowed = false;
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (j < js.length && /[\w$]/.test(js[j]!)) j++;
      word = js.slice(i, j);
      regexAllowed = beforeRegex.has(word);
      i = j;
      continue;
    } else if (c === "}" && templates.at(-1) === depth) {
      templates.pop();
      depth--;
      i++;
      template();
    } else {
      if (c === "{") depth++;
      if (c === "}") depth--;
      if (c === "(") parens.push(["if", "while", "for", "with"].includes(word));
      regexAllowed = c === ")" ? (parens.pop() ?? false) : c !== "]";
      i++;
    }
    if (!/\s/.test(c)) word = "";
  }
  return out.join("");
}

/** A string literal as the whole first argument at `at` (just after the call's `(`), or null. */
function literalArgument(js: string, at: number): { value: string; end: number } | null {
  const m = js.slice(at).match(/^\s*(["'])((?:\\.|(?!\1)[^\\\n])*)\1\s*(?=[,)])/);
  return m ? { value: m[2]!, end: at + m[0].length } : null;
}

/** Where the `(` just before `at` closes in blanked code (the end of the text if it never does). */
function closingParen(bare: string, at: number): number {
  let depth = 1;
  for (let i = at; i < bare.length; i++) {
    if (bare[i] === "(") depth++;
    else if (bare[i] === ")" && --depth === 0) return i;
  }
  return bare.length;
}

/**
 * Loaders the reader cannot follow to a path fail the read: createRequire(import.meta.url)(…),
 * require or import.meta.require kept in a variable, passed on or reached through globalThis, and
 * import.meta itself handed around. Refusing every use but a direct call is simpler and safer
 * than tracing where an alias goes; the application calls them directly or not at all.
 */
function refuseIndirectLoaders(file: string, js: string, bare: string) {
  const refusals: [RegExp, (m: RegExpExecArray) => boolean][] = [
    [/\bcreateRequire\b/g, () => true],
    // require not called: an alias or a value passed on; a property key `{ require: … }` is a name.
    [
      /(?<![\w$.])require\b(?!\s*\()/g,
      (m) => !(/[{,]\s*$/.test(bare.slice(0, m.index)) && /^\s*:/.test(bare.slice(m.index + m[0].length))),
    ],
    [/\b(?:globalThis|global|self|window|module)\s*\??\.\s*require\b/g, () => true],
    [
      /\b(?:globalThis|global|self|window|module)\s*(?:\?\.)?\s*\[/g,
      (m) => /^\s*["'`](?:require|import)\b/.test(js.slice(m.index + m[0].length)),
    ],
    [/\bimport\s*\.\s*meta\b(?!\s*\.\s*[\w$])/g, () => true],
    [/\bimport\s*\.\s*meta\s*\.\s*require\b(?!\s*\()/g, () => true],
  ];
  for (const [pattern, refuses] of refusals)
    for (const m of bare.matchAll(pattern))
      if (refuses(m))
        throw new Error(
          `${file}: "${m[0].trim()}" loads a module the reader cannot follow to its path; call require("…") or import("…") directly`,
        );
}

/** Every import of `file` (a path relative to the repository) whose source is `code`. */
export function readImports(file: string, code: string): Import[] {
  const resolve = (spec: string) => (spec.startsWith(".") ? normalize(join(dirname(file), spec)) : null);
  const transpiler = transpilerFor(file);
  const out: Import[] = [];

  // Statements: the candidates, each rewritten as a value import of a marker, so that the parser
  // reports exactly the ones that are code. A real statement rewritten is still a statement; text
  // that only looks like one (in a comment, in strings) is dropped, or breaks the parse: then each
  // candidate is tried on its own, and one whose rewrite does not parse was not a statement.
  const candidates = [...code.matchAll(STATEMENT)];
  const rewrite = (which: (n: number) => boolean) => {
    let probe = "";
    let last = 0;
    candidates.forEach((m, n) => {
      if (!which(n)) return;
      const quote = m[4] ?? m[6]!;
      const clause = stripComments(m[3] ?? "").replace(/([{,]\s*)type\s+(?=[\w$"'])/g, "$1");
      probe += code.slice(last, m.index);
      probe += m[4] ? `${m[1]}${clause}from ${quote}?${n}${quote}` : `import ${quote}?${n}${quote}`;
      last = m.index + m[0].length;
    });
    return probe + code.slice(last);
  };
  let parsed: Bun.Import[];
  try {
    parsed = transpiler.scanImports(rewrite(() => true));
  } catch {
    const real = new Set<number>();
    candidates.forEach((_, n) => {
      try {
        if (transpiler.scanImports(rewrite((k) => k === n)).some((p) => p.path === `?${n}`)) real.add(n);
      } catch {
        // Not a statement: its rewrite broke the code around it.
      }
    });
    parsed = transpiler.scanImports(rewrite((n) => real.has(n)));
  }
  for (const p of parsed) {
    const n = p.path.match(/^\?(\d+)$/)?.[1];
    if (n === undefined) {
      if (p.kind === "import-statement")
        throw new Error(
          `${file}: an import of "${p.path}" the reader cannot read; teach test/support/import-reader.ts its form`,
        );
      continue;
    }
    const m = candidates[Number(n)]!;
    const spec = decodeString((m[5] ?? m[7])!);
    const names = m[5] !== undefined ? parseNames(stripComments(m[3]!), !!m[2]) : [];
    const typeOnly = !!m[2] || (names.length > 0 && names.every((x) => x.typeOnly));
    out.push({ file, spec, kind: "import-statement", target: resolve(spec), typeOnly, names });
  }

  // Imports in types: a candidate is code when a stray backslash put before it breaks the parse
  // (in a comment, string, template, regular expression or JSX text, `\ ` is harmless). A type's
  // import("…") is told from a value's by count: the parser's output keeps the value ones.
  const js = transpiler.transformSync(code);
  const bare = blankText(js);
  const valueImports = new Map<string, number>();
  for (const m of bare.matchAll(/(?<![\w$.])import\s*\(/g)) {
    const literal = literalArgument(js, m.index + m[0].length);
    if (literal) valueImports.set(literal.value, (valueImports.get(literal.value) ?? 0) + 1);
  }
  for (const m of code.matchAll(TYPE_LEVEL)) {
    try {
      transpiler.transformSync(`${code.slice(0, m.index)}\\ ${code.slice(m.index)}`);
      continue; // still parses: the candidate is text
    } catch {
      // code: read on
    }
    const spec = decodeString((m[1] ?? m[2])!.slice(1, -1));
    if (m[1] !== undefined && (valueImports.get(spec) ?? 0) > 0) {
      valueImports.set(spec, valueImports.get(spec)! - 1);
      continue;
    }
    const kind = m[1] !== undefined ? "import-type" : "require-call";
    out.push({ file, spec, kind, target: resolve(spec), typeOnly: true, names: [] });
  }

  // Calls, from the parser's output: plain JavaScript (types gone, `import x = require()` a
  // require(), a template with no ${…} a string, JSX calls) with its strings and comments blanked.
  // The parser's own list of calls is not used: it adds the JSX runtime, which no code names.
  refuseIndirectLoaders(file, js, bare);
  const calls: [RegExp, string, (after: number) => boolean][] = [
    [/(?<![\w$.])import\s*\(/g, "dynamic-import", () => true],
    [/(?<![\w$.])require\s*\(/g, "require-call", () => true],
    [/\bimport\.meta\.require\s*\(/g, "import-meta-require", () => true],
    [/\bimport\.meta\.resolve\s*\(/g, "import-meta-resolve", () => true],
    // new URL("…", import.meta.url) names a file of ours; new URL("https://…") does not.
    [/\bnew\s+URL\s*\(/g, "file-url", (after) => /^[^()]*,\s*import\.meta\.url\s*\)/.test(bare.slice(after))],
  ];
  for (const [pattern, kind, applies] of calls) {
    for (const m of bare.matchAll(pattern)) {
      const after = m.index + m[0].length;
      if (!applies(after)) continue;
      // `import(rows) {…}` defines a method named import (class or object), it loads nothing.
      if (kind !== "file-url" && /^\s*\{/.test(bare.slice(closingParen(bare, after) + 1))) continue;
      const literal = literalArgument(js, after);
      const spec = literal ? decodeString(literal.value) : null;
      out.push({ file, spec, kind, target: spec === null ? null : resolve(spec), typeOnly: false, names: [] });
    }
  }
  return out;
}
