// The command line (SPEC X6). Each command returns an exit code; `serve` returns null and
// keeps the process alive until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./log.ts";

// Each command loads what it needs when it runs (dynamic imports), so `--help` answers at once and
// `serve` listens before the modules only a page, a send or another command needs are loaded.
type Io = { env: Record<string, string | undefined>; out: (line: string) => void; err: (line: string) => void };

const HELP = `Pigeon — customer messaging for photo studios

Usage: pigeon [command] [options]

Commands:
  serve                                  Start the web server and scheduler (the default)
  worker                                 Run the scheduler and sending without a web server
  migrate                                Apply database migrations and exit
  create-owner --email E --password P    Create the studio owner account
  create-api-key --name N                Create an API key; the key is the last line printed
  demo                                   Load the demo studio into an empty database
  backup <file>                          Write a consistent copy of the database to <file>
  restore <file>                         Replace the database with a backup (Pigeon must be stopped)
  check-phones                           List stored phone numbers that no longer validate, and what to do

Options:
  -h, --help                             Show help for a command

Configuration comes from environment variables; see README.md.`;

const COMMAND_HELP: Record<string, string> = {
  serve:
    "Usage: pigeon serve\n\nStarts the web server on $PORT (default 3000) and the in-process scheduler.\nWith SCHEDULER=off it serves the web only, for a deployment whose sending runs in `pigeon worker` processes.",
  worker:
    "Usage: pigeon worker\n\nRuns the scheduler (automation, one-time messages) and the dispatcher (sending) without a web server.\nRun one web process (SCHEDULER=off pigeon serve) and any number of workers on the same database:\nleases keep each delivery with one worker and they share the provider rates.\nSIGTERM or SIGINT stops it after the running tick and the sends in flight.",
  migrate: "Usage: pigeon migrate\n\nApplies the database migrations and exits. `serve` does this too at start.",
  "create-owner":
    "Usage: pigeon create-owner --email E --password P [--name N]\n\nCreates the owner account on a new install (no other accounts may exist).",
  "create-api-key":
    "Usage: pigeon create-api-key --name N\n\nCreates an API key for the JSON API. The key is printed once, as the last line.",
  demo: "Usage: pigeon demo\n\nLoads a believable demo studio (jobs, customers, albums, orders, appointments) into an empty database.",
  backup:
    "Usage: pigeon backup <file>\n\nWrites a consistent copy of a file database to <file> (VACUUM INTO), readable only by this account. The file must not exist. Safe while Pigeon runs.",
  restore:
    "Usage: pigeon restore <file>\n\nReplaces the database with the backup <file>. Stop Pigeon first (the server and any workers): a database in use is refused. The backup is checked (a Pigeon database, intact, not from a newer version) and brought up to date on a copy before anything is replaced; the replaced database is kept beside it as <name>.before-restore-<time>.",
  "check-phones":
    "Usage: pigeon check-phones\n\nChecks every stored phone number (customers', the studio's own and its SMS sender) as numbers are read now, by country.\nLists each one that no longer validates, or that is North American while its customer is elsewhere (it may have been read as American before Pigeon knew countries:\nboth readings are shown; setting the customer's country to the US or Canada confirms it), with the customer, the number, why, and what to do. Changes nothing. Exit code 0 when all are valid, 1 when some need a look.",
};

async function openMigrated(config: Config): Promise<Database> {
  const [{ jsonLogger }, { migrateDatabase, openDatabase }, { ensureBuiltinProfiles }] = await Promise.all([
    import("./log.ts"),
    import("./db/client.ts"),
    import("./db/builtin-profiles.ts"),
  ]);
  const log = jsonLogger(config.logLevel);
  const db = await openDatabase(config.databaseUrl, config.databaseAuthToken, {
    warn: (msg, fields) => log("warn", msg, fields),
  });
  await migrateDatabase(db);
  await ensureBuiltinProfiles(db, new Date());
  return db;
}

/** Runs one command; returns its exit code, or null when it keeps running (serve). */
export async function runCli(argv: string[], io: Io): Promise<number | null> {
  const [command = "serve", ...rest] = argv[0]?.startsWith("-") ? ["", ...argv] : argv;
  if (command === "" || command === "help") {
    if (argv.includes("-h") || argv.includes("--help") || command === "help") {
      io.out(HELP);
      return 0;
    }
  }
  const name = command === "" ? "serve" : command;
  if (!Object.hasOwn(COMMAND_HELP, name)) {
    io.err(`Unknown command "${name}".\n\n${HELP}`);
    return 2;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        email: { type: "string" },
        password: { type: "string" },
        name: { type: "string" },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${COMMAND_HELP[name]}`);
    return 2;
  }
  if (args.values.help) {
    io.out(COMMAND_HELP[name]!);
    return 0;
  }

  const { ConfigError, loadConfig } = await import("./config.ts");
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78; // EX_CONFIG
    }
    throw err;
  }

  switch (name) {
    case "serve":
      await serve(config, io);
      return null;
    case "worker":
      await work(config, io);
      return null;
    case "migrate": {
      await openMigrated(config);
      io.out("Database is up to date.");
      return 0;
    }
    case "create-owner": {
      const [{ z }, { email }, { passwordSchema }, { audit }, { countUsers, createUser, findUserByEmail }] =
        await Promise.all([
          import("zod"),
          import("./core/validation.ts"),
          import("./routes/auth.ts"),
          import("./db/audit.ts"),
          import("./db/auth.ts"),
        ]);
      const input = z
        .object({
          email: z.string({ error: "--email is required" }).pipe(email),
          password: passwordSchema,
          name: z.string().optional(),
        })
        .safeParse(args.values);
      if (!input.success) {
        for (const i of input.error.issues) io.err(`--${i.path.join(".")}: ${i.message}`);
        return 2;
      }
      const db = await openMigrated(config);
      if (await findUserByEmail(db, input.data.email)) {
        io.err(`An account with the e-mail ${input.data.email} exists already.`);
        return 1;
      }
      if (await countUsers(db)) {
        io.err("This install has an owner already. Add staff from Settings → Staff.");
        return 1;
      }
      const user = await createUser(db, {
        email: input.data.email,
        password: input.data.password,
        name: input.data.name ?? input.data.email.split("@")[0]!,
        role: "owner",
      });
      await audit(db, { userId: user.id }, "created", "user", user.id, { role: "owner", via: "cli" });
      io.out(`Owner ${user.email} created. Log in at ${config.publicUrl}/login`);
      return 0;
    }
    case "create-api-key": {
      const keyName = args.values.name;
      if (typeof keyName !== "string" || keyName.trim() === "") {
        io.err(`--name is required.\n\n${COMMAND_HELP[name]}`);
        return 2;
      }
      const [{ audit }, { createApiKey }] = await Promise.all([import("./db/audit.ts"), import("./db/auth.ts")]);
      const db = await openMigrated(config);
      const { key, row } = await createApiKey(db, keyName.trim().slice(0, 100), null);
      await audit(db, {}, "created", "api_key", row.id, { name: row.name, via: "cli" });
      io.out(`API key "${row.name}" created. It is shown only this once:`);
      io.out(key);
      return 0;
    }
    case "demo": {
      const { loadDemoData } = await import("./db/demo.ts");
      const db = await openMigrated(config);
      const result = await loadDemoData(db, new Date());
      if (!result.loaded) {
        io.err(result.reason);
        return 1;
      }
      io.out(
        `Demo data loaded: ${Object.entries(result.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(", ")}.`,
      );
      return 0;
    }
    case "check-phones": {
      const { storedNumberProblems } = await import("./db/phone-check.ts");
      const { checked, problems } = await storedNumberProblems(await openMigrated(config));
      if (!problems.length) {
        io.out(`All ${checked.toLocaleString("en")} numbers are valid.`);
        return 0;
      }
      for (const p of problems) io.out(`${p.where}: ${p.number} ${p.problem}. To fix: ${p.todo}.`);
      io.out(
        `${problems.length.toLocaleString("en")} of ${checked.toLocaleString("en")} numbers need a look. Messages still go to them as stored: fix them before the next send.`,
      );
      return 1;
    }
    case "backup": {
      const target = args.positionals[0];
      if (!target) {
        io.err(`Missing <file>.\n\n${COMMAND_HELP.backup}`);
        return 2;
      }
      if (existsSync(target)) {
        io.err(`${target} exists already; choose a new file name.`);
        return 1;
      }
      if (!config.databaseUrl.startsWith("file:")) {
        io.err("backup works on a file: database; back up a libSQL server with its own tools.");
        return 1;
      }
      const { BackupError, backupDatabase } = await import("./db/backup.ts");
      try {
        await backupDatabase(await openMigrated(config), target);
      } catch (err) {
        if (!(err instanceof BackupError)) throw err;
        io.err(err.message);
        return 1;
      }
      io.out(`Backup written to ${target}.`);
      return 0;
    }
    case "restore": {
      const source = args.positionals[0];
      if (!source) {
        io.err(`Missing <file>.\n\n${COMMAND_HELP.restore}`);
        return 2;
      }
      if (!config.databaseUrl.startsWith("file:")) {
        io.err("restore works on a file: database; restore a libSQL server with its own tools.");
        return 1;
      }
      const [{ jsonLogger }, { BackupError, restoreDatabase }] = await Promise.all([
        import("./log.ts"),
        import("./db/backup.ts"),
      ]);
      const log = jsonLogger(config.logLevel);
      try {
        const target = config.databaseUrl.slice("file:".length);
        const { kept } = await restoreDatabase(source, target, new Date(), (msg, fields) => log("warn", msg, fields));
        io.out(`Restored ${source} into ${target}.${kept ? ` The database it replaced is kept as ${kept}.` : ""}`);
      } catch (err) {
        if (!(err instanceof BackupError)) throw err;
        io.err(err.message);
        return 1;
      }
      return 0;
    }
  }
  return 2;
}

async function serve(config: Config, io: Io) {
  const [{ jsonLogger }, { takeBackUnfinishedImports }, { createDeps }, { createApp }] = await Promise.all([
    import("./log.ts"),
    import("./db/customer-import.ts"),
    import("./deps.ts"),
    import("./app.ts"),
  ]);
  const log = jsonLogger(config.logLevel);
  const db = await openMigrated(config);
  // An import a crash cut off is taken back (all or nothing, SPEC I2) once its heartbeat has been
  // silent long enough to be a dead process's. Every scheduler tick does it; a web-only process
  // (its scheduler off, beside workers) sweeps on a timer of its own, so it is undone either way.
  const sweepImports = async () => {
    const n = await takeBackUnfinishedImports(db).catch(
      (err) => (log("error", "taking back imports failed", { error: String(err) }), 0),
    );
    if (n) log("warn", "took back CSV imports a stop cut off", { imports: n });
  };
  const importSweep = config.scheduler ? null : setInterval(() => void sweepImports(), 5_000);
  if (importSweep) await sweepImports();
  const deps = createDeps({ db, config, clock: () => new Date(), log });
  const app = createApp(deps);
  // Listening first: the scheduler's first tick runs right after, not in front of /healthz.
  const server = Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch });
  const { startScheduler } = await import("./scheduler.ts");
  const scheduler = config.scheduler ? startScheduler(deps) : null;
  const dispatcher = config.scheduler ? deps.dispatcher : null;
  dispatcher?.start();
  io.out(`Pigeon is running at ${config.publicUrl} (listening on ${server.hostname}:${server.port})`);
  log("info", "listening", {
    port: server.port,
    database: config.databaseUrl.replace(/\/\/.*@/, "//***@"),
    email: config.resend ? "resend" : "dev outbox",
    sms: config.twilio ? "twilio" : "dev outbox",
  });

  stopOnSignal(log, async () => {
    if (importSweep) clearInterval(importSweep);
    await server.stop();
    await Promise.all([scheduler?.stop(), dispatcher?.stop()]);
    db.$client.close();
  });
}

/** `pigeon worker`: the scheduler and the dispatcher of `serve`, without HTTP. */
async function work(config: Config, io: Io) {
  const [{ jsonLogger }, { createDeps }, { startScheduler }] = await Promise.all([
    import("./log.ts"),
    import("./deps.ts"),
    import("./scheduler.ts"),
  ]);
  const log = jsonLogger(config.logLevel);
  const db = await openMigrated(config);
  const deps = createDeps({ db, config, clock: () => new Date(), log });
  const scheduler = startScheduler(deps);
  deps.dispatcher.start();
  io.out(`Pigeon worker ${process.pid} is running (scheduler and sending; no web server)`);
  log("info", "worker started", {
    database: config.databaseUrl.replace(/\/\/.*@/, "//***@"),
    email: config.resend ? "resend" : "dev outbox",
    sms: config.twilio ? "twilio" : "dev outbox",
  });
  stopOnSignal(log, async () => {
    await Promise.all([scheduler.stop(), deps.dispatcher.stop()]);
    db.$client.close();
  });
}

/** On SIGINT/SIGTERM: `stop` (which waits for the running tick and the sends in flight), then exit 0. */
function stopOnSignal(log: Logger, stop: () => Promise<void>) {
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "stopping", { signal });
    await stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void onSignal("SIGINT"));
  process.on("SIGTERM", () => void onSignal("SIGTERM"));
}
