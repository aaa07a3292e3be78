// Where migrations and static files are: beside the source in a checkout, or embedded in
// the compiled binary (`bun build --compile` puts assets under `/$bunfs/root`).
import { join } from "node:path";

const compiled = import.meta.dir.startsWith("/$bunfs") || import.meta.dir.startsWith("B:\\~BUN");
const root = compiled ? import.meta.dir : join(import.meta.dir, "..");

/** Absolute path of a top-level resource folder (`migrations`, `static`, `node_modules/…`). */
export function resourcePath(...parts: string[]): string {
  return join(root, ...parts);
}
