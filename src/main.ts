// Pigeon's entry point, the same in a checkout (`bun run pigeon …`) and in the compiled
// binary (`./pigeon …`): config → db → migrate → app → scheduler → serve (SPEC X6).
import { runCli } from "./cli.ts";

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (l) => console.log(l),
  err: (l) => console.error(l),
}).catch(async (err) => {
  // Any command opens the database first; this refusal is the operator's to act on, not a bug.
  const { MigrationFailedError, NewerDatabaseError } = await import("./db/client.ts");
  if (!(err instanceof NewerDatabaseError || err instanceof MigrationFailedError)) throw err;
  console.error(`Refused: ${err.message}.`);
  return 1;
});
if (code !== null) process.exit(code);
