// Pigeon's entry point, the same in a checkout (`bun run pigeon …`) and in the compiled
// binary (`./pigeon …`): config → db → migrate → app → scheduler → serve (SPEC X6).
import { runCli } from "./cli.ts";

const code = await runCli(process.argv.slice(2), { env: process.env, out: (l) => console.log(l), err: (l) => console.error(l) });
if (code !== null) process.exit(code);
