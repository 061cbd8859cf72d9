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

/** CPU seconds of each PostgreSQL process by pid (utime + stime of /proc/PID/stat). */
function databaseProcesses(): Map<string, number> {
  const seconds = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return seconds;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres")) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // the process ended while being read
    }
  }
  return seconds;
}

/** Starts counting; the function it answers gives the CPU seconds spent since. */
export function cpuTime(): () => CpuSeconds {
  const node = process.cpuUsage();
  const database = databaseProcesses();
  return () => {
    const { user, system } = process.cpuUsage(node);
    const now = databaseProcesses();
    let spent = 0;
    for (const [pid, seconds] of now) spent += seconds - (database.get(pid) ?? 0);
    return { node: (user + system) / 1e6, database: now.size === 0 ? null : spent };
  };
}
