import { SingleBar } from "cli-progress";

export interface Progress {
  update(processed: number, total: number): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 2_000;

/**
 * A progress bar on a terminal; elsewhere (logs, pipes) a plain line every two seconds and
 * one at the end, so that output stays readable.
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
      stream,
      hideCursor: true,
    });
    let started = false;
    return {
      update(processed, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.setTotal(total);
        bar.update(processed);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  let latest: [number, number] | null = null;
  let printed: [number, number] | null = null;
  const print = (progress: [number, number]) => {
    printed = progress;
    stream.write(`${label}: ${progress[0]} of ${progress[1]}\n`);
  };
  return {
    update(processed, total) {
      latest = [processed, total];
      const now = Date.now();
      if (now - last >= PLAIN_EVERY_MS) {
        last = now;
        print(latest);
      }
    },
    // The last figures, unless they were the last printed.
    stop: () => {
      if (latest && latest !== printed) print(latest);
    },
  };
}
