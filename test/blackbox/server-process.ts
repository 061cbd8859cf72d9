import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/interfaces/cli/run.ts", import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resolves with the exit code (null after a signal) once the process ended. */
  exited: Promise<number | null>;
  /** The admin key printed at first start, if it was printed. */
  adminKey: string | null;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `civilink serve --port 0` as its own process and waits for its URL. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "serve", "--port", "0", "--host", "127.0.0.1"],
    {
      env: { PATH: process.env.PATH ?? "", CIVILINK_LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.off("data", check);
      resolve({
        url,
        pid: child.pid as number,
        exited,
        adminKey: /shown only now[^:]*: (\S+)/.exec(output)?.[1] ?? null,
        output: () => output,
        stop: () => {
          child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout?.on("data", check);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}
