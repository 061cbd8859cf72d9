/**
 * CPU time for the bench figures: this process's (every thread: the main one, the garbage
 * collector's and the compiler's) and the local PostgreSQL server's, summed over its processes
 * (the backends serving the run and the background writers) from /proc. The server's is null
 * where /proc shows no PostgreSQL process, e.g. when the database runs on another machine.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface CpuSeconds {
  node: number;
  database: number | null;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds of one process (utime + stime of /proc/PID/stat), or null once it ended. */
export function processCpuSeconds(pid: number | string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds of each process whose command line starts with `command`, by pid. */
function serverProcesses(command: string): Map<string, number> {
  const seconds = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return seconds;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith(command)) continue;
    } catch {
      continue; // the process ended while being read
    }
    const spent = processCpuSeconds(pid);
    if (spent !== null) seconds.set(pid, spent);
  }
  return seconds;
}

/**
 * Starts counting the CPU of a local server's processes (those whose command line starts with
 * `command`); `spent()` gives the seconds spent since, or null where /proc shows no such
 * process. A process that ends (a backend whose client went away) counts with what `sample()`
 * last saw of it: sample while the work runs.
 */
export function serverCpuMeter(command: string): { sample(): void; spent(): number | null } {
  const before = serverProcesses(command);
  const seen = new Map(before);
  const sample = () => {
    for (const [pid, seconds] of serverProcesses(command)) seen.set(pid, seconds);
  };
  return {
    sample,
    spent() {
      sample();
      if (seen.size === 0) return null;
      let spent = 0;
      for (const [pid, seconds] of seen) spent += seconds - (before.get(pid) ?? 0);
      return spent;
    },
  };
}

/** Starts counting; the function it answers gives the CPU seconds spent since. */
export function cpuTime(): () => CpuSeconds {
  const node = process.cpuUsage();
  const database = serverCpuMeter("postgres");
  return () => {
    const { user, system } = process.cpuUsage(node);
    return { node: (user + system) / 1e6, database: database.spent() };
  };
}
