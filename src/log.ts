// Structured logs (SPEC X4): one JSON object per line on stdout.
export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// drizzle's DrizzleQueryError says "Failed query: <sql>\nparams: <values>", and the values are
// message bodies, addresses and names. Logs keep the SQL (enough to find the statement) and
// never the values, however the error reached the line: as text, as a stack or as the object.
// The values run to the first stack frame or the end of the text.
const PARAMS = /(Failed query: [\s\S]*?)\nparams: [\s\S]*?(?=\n {4}at |$)/g;
const PARAMS_NOTE = "\nparams: (not logged)";

type QueryError = Error & { query: string; params: unknown; cause?: unknown };
const isQueryError = (e: unknown): e is QueryError =>
  e instanceof Error && typeof (e as QueryError).query === "string" && "params" in e;

/** An error as one line for a log: a failed query's SQL and the database's reason, never its values. */
export function errorText(err: unknown): string {
  if (isQueryError(err))
    return `Failed query: ${err.query}${err.cause instanceof Error ? ` (${err.cause.message})` : ""}`;
  return redact(String(err)) as string;
}

function redact(value: unknown): unknown {
  if (typeof value === "string")
    return value.includes("Failed query: ") ? value.replace(PARAMS, `$1${PARAMS_NOTE}`) : value;
  if (value instanceof Error) return errorText(value);
  return value;
}

export function jsonLogger(min: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return (level, msg, fields) => {
    if (rank[level] < rank[min]) return;
    const safe = fields && Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, redact(v)]));
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...safe })}\n`);
  };
}

export const silentLogger: Logger = () => undefined;
