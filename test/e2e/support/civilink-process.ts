import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../../src/interfaces/cli/run.ts", import.meta.url));

/** One request as civilink's log line records it. */
export interface LoggedRequest {
  method: string;
  url: string;
  status: number;
}

export interface CivilinkProcess {
  url: string;
  /** The requests civilink answered so far, from its log (one JSON line per request). */
  requests(): LoggedRequest[];
  output(): string;
  /** Resolves once every request answered before the call is in the log. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `civilink serve` on a port of the caller's choosing, so that a restarted server is
 * found at the same address, with one log line per request.
 */
export function startCivilink(port: number, env: Record<string, string>): Promise<CivilinkProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "serve", "--port", String(port), "--host", "127.0.0.1"],
    {
      env: { PATH: process.env.PATH ?? "", CIVILINK_LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const requests = (): LoggedRequest[] =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{") && line.includes('"request completed"'))
      .map((line) => {
        const entry = JSON.parse(line) as {
          req: { method: string; url: string };
          res: { statusCode: number };
        };
        return { method: entry.req.method, url: entry.req.url, status: entry.res.statusCode };
      });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`civilink did not start:\n${output}`)), 60_000);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.off("data", check);
      let marks = 0;
      resolve({
        url,
        requests,
        output: () => output,
        settled: async () => {
          // Log lines are written in order: once this request's line is there, so are the others'.
          const mark = `settled-${++marks}`;
          await fetch(`${url}/health`, { headers: { "x-request-id": mark } });
          const deadline = Date.now() + 10_000;
          while (!output.includes(`"reqId":"${mark}"`)) {
            if (Date.now() > deadline) throw new Error(`civilink did not log ${mark}:\n${output}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout?.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`civilink exited with ${child.exitCode}:\n${output}`));
    });
  });
}
