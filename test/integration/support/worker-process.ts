import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The project root: workers run from there, so that `--import tsx` resolves. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The path of a worker script in this folder. */
export const workerScript = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A TypeScript worker run as a Node process of its own (`node --import tsx script args`),
 * its stdout split in lines.
 */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<WorkerExit>;
  private stdout = "";
  private stderr = "";
  private readonly seenLines = new Set<string>();
  private readonly lineWaiters = new Map<string, () => void>();

  constructor(script: string, args: string[]) {
    this.child = spawn(process.execPath, ["--import", "tsx", workerScript(script), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    this.child.stdout!.setEncoding("utf8");
    this.child.stderr!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => {
      const complete = this.stdout.length;
      this.stdout += chunk;
      const from = this.stdout.lastIndexOf("\n", complete - 1) + 1;
      for (const line of this.stdout.slice(from).split("\n").slice(0, -1)) {
        this.seenLines.add(line.trim());
        this.lineWaiters.get(line.trim())?.();
      }
    });
    this.child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", reject);
      this.child.on("close", (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      );
    });
  }

  /** Resolves once the worker printed `line`; rejects when it exits first. */
  untilLine(line: string): Promise<void> {
    const printed = new Promise<void>((resolve) => {
      if (this.seenLines.has(line)) resolve();
      else this.lineWaiters.set(line, resolve);
    });
    const exitedFirst = this.exited.then((exit) => {
      throw new Error(
        `worker exited (${exit.code ?? exit.signal}) before "${line}":\n${exit.stderr}`,
      );
    });
    return Promise.race([printed, exitedFirst]);
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** The last stdout line parsed as JSON, once the worker exited with code 0. */
  async json<T>(): Promise<T> {
    const exit = await this.exited;
    if (exit.code !== 0) {
      throw new Error(
        `worker exited (${exit.code ?? exit.signal}):\n${exit.stderr}\n${exit.stdout}`,
      );
    }
    const last = exit.stdout.trim().split("\n").at(-1);
    if (!last) throw new Error(`worker printed nothing:\n${exit.stderr}`);
    return JSON.parse(last) as T;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/** Runs a worker to its end and gives its last stdout line as JSON. */
export function runWorker<T>(script: string, args: string[]): Promise<T> {
  const worker = new WorkerProcess(script, args);
  worker.child.stdin!.end();
  return worker.json<T>();
}
