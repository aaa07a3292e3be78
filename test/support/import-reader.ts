// Reads what a source file imports, for test/dependency-direction.test.ts. Bun's own parser
// (Bun.Transpiler) decides what is code: an import written in a comment, a string or a template
// is text, and every form a module can reach another by is found — statements, import() with any
// argument, require(), import.meta.require(), `import x = require()`, new URL(…, import.meta.url).
// The parser drops type-only imports, which still tie one module to another, so those are read
// from the text and each kept only when the parser, shown it as a value import, sees it too.
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

/**
 * Candidates for import and export-from statements in the source text, type-only ones included.
 * Text in comments and strings matches too; the parser sorts those out (see readImports).
 */
const STATEMENT =
  /\b(import|export)(\s+type\b)?((?:(?!\b(?:import|export)\b)(?:[^;"'`()]|"[^"\n]*"|'[^'\n]*'))*?)\bfrom\s*(["'])([^"'\s]+)\4|\bimport\s*(["'])([^"'\s]+)\6/g;

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
      regexAllowed = beforeRegex.has(js.slice(i, j));
      i = j;
    } else if (c === "}" && templates.at(-1) === depth) {
      templates.pop();
      depth--;
      i++;
      template();
    } else {
      if (c === "{") depth++;
      if (c === "}") depth--;
      regexAllowed = c !== ")" && c !== "]";
      i++;
    }
  }
  return out.join("");
}

/** A string literal as the whole first argument at `at` (just after the call's `(`), or null. */
function literalArgument(js: string, at: number): { value: string; end: number } | null {
  const m = js.slice(at).match(/^\s*(["'])((?:\\.|(?!\1)[^\\\n])*)\1\s*(?=[,)])/);
  return m ? { value: m[2]!, end: at + m[0].length } : null;
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
      const clause = (m[3] ?? "").replace(/([{,]\s*)type\s+(?=[\w$"'])/g, "$1");
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
    const spec = (m[5] ?? m[7])!;
    const names = m[5] !== undefined ? parseNames(m[3]!, !!m[2]) : [];
    const typeOnly = !!m[2] || (names.length > 0 && names.every((x) => x.typeOnly));
    out.push({ file, spec, kind: "import-statement", target: resolve(spec), typeOnly, names });
  }

  // Calls, from the parser's output: plain JavaScript (types gone, `import x = require()` a
  // require(), a template with no ${…} a string, JSX calls) with its strings and comments blanked.
  // The parser's own list of calls is not used: it adds the JSX runtime, which no code names.
  const js = transpiler.transformSync(code);
  const bare = blankText(js);
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
      const literal = literalArgument(js, after);
      const spec = literal?.value ?? null;
      out.push({ file, spec, kind, target: spec === null ? null : resolve(spec), typeOnly: false, names: [] });
    }
  }
  return out;
}
