// Builds the single-file binary `dist/pigeon` (SPEC X6): the bundled app, the Bun runtime,
// the libSQL native module for this machine and the `migrations/` folder, all in one file.
// Run with `bun run build` (or `bun scripts/build.ts <outfile>` to write it elsewhere, as
// bench/cold-start.ts does).
import { join, relative, resolve } from "node:path";
import type { BunPlugin } from "bun";

const root = join(import.meta.dir, "..");
const outfile = process.argv[2] ? resolve(process.argv[2]) : join(root, "dist", "pigeon");

/** The `@libsql/*` native package for the machine we build on (as `libsql` itself picks it). */
function libsqlNativePackage(): string {
  const { platform, arch } = process;
  if (platform === "linux") {
    // glibcVersionRuntime is set only when the running process is linked against glibc.
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    const libc = header?.glibcVersionRuntime ? "gnu" : "musl";
    if (arch === "arm") return `@libsql/linux-arm-${libc === "gnu" ? "gnueabihf" : "musleabihf"}`;
    return `@libsql/linux-${arch}-${libc}`;
  }
  if (platform === "darwin") return `@libsql/darwin-${arch}`;
  if (platform === "win32") return `@libsql/win32-${arch}-msvc`;
  throw new Error(`No libSQL native module is published for ${platform}-${arch}.`);
}

/**
 * `libsql` chooses its native module with ``require(`@libsql/${target}`)``, which the bundler
 * cannot follow, so the binary would fail with "Cannot find module". Rewrite that one call
 * to a static require of this machine's package, which the bundler then embeds.
 */
function libsqlNativeModule(pkg: string): BunPlugin {
  return {
    name: "libsql-native-module",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
        const source = await Bun.file(args.path).text();
        const dynamic = /require\(`@libsql\/\$\{target\}`\)/;
        if (!dynamic.test(source)) {
          throw new Error(
            `${args.path}: the dynamic require of the native module was not found; update scripts/build.ts for this libsql version.`,
          );
        }
        return { contents: source.replace(dynamic, `require(${JSON.stringify(pkg)})`), loader: "js" };
      });
    },
  };
}

// `assets` paths are read from, and embedded relative to, the working folder.
process.chdir(root);
const started = performance.now();
const nativePackage = libsqlNativePackage();
const result = await Bun.build({
  entrypoints: [join(root, "src", "main.ts")],
  target: "bun",
  minify: true,
  // Precompiled bytecode starts the binary ~25 ms sooner; esm keeps main.ts's top-level await.
  bytecode: true,
  format: "esm",
  sourcemap: "none",
  plugins: [libsqlNativeModule(nativePackage)],
  compile: {
    outfile,
    // Embedded under their relative paths, so `resourcePath("migrations")` finds them at
    // `import.meta.dir + "/migrations"` inside the binary, where node:fs can read them.
    assets: ["migrations"],
    // A bunfig.toml in the folder the binary runs from must not change how it runs
    // (preload scripts…); `.env` is still read, as `bun src/main.ts` does.
    autoloadBunfig: false,
  },
});

if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
for (const log of result.logs) console.warn(log);

const size = Bun.file(outfile).size;
console.log(
  `Built ${outfile.startsWith(root) ? relative(root, outfile) : outfile} (${(size / 1024 / 1024).toFixed(1)} MB, libSQL native module ${nativePackage}) in ${Math.round(performance.now() - started)} ms.`,
);
