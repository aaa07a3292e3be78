// Structured logs (SPEC X4): one JSON object per line on stdout.
export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(min: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return (level, msg, fields) => {
    if (rank[level] < rank[min]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => undefined;
