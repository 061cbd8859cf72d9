import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { progressReporter } from "../../../src/interfaces/cli/progress.js";

/** A stream that collects what is written, a terminal or not. */
function captured(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 100;
  let text = "";
  stream.on("data", (chunk) => (text += chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe("progressReporter", () => {
  it("draws a bar on a terminal, redrawn to the end", () => {
    const { stream, text } = captured(true);
    const progress = progressReporter("Synchronizing", stream);
    progress.update(1, 4);
    progress.update(4, 4);
    progress.stop();
    expect(text()).toContain("Synchronizing [");
    expect(text()).toContain("100% | 4/4");
    expect(text()).not.toContain("Synchronizing: ");
  });

  it("writes a plain line at most every two seconds elsewhere, and the last one at the end", () => {
    vi.useFakeTimers({ now: 10_000 });
    try {
      const { stream, text } = captured(false);
      const progress = progressReporter("Dry run", stream);
      progress.update(1, 4);
      progress.update(2, 4);
      vi.setSystemTime(12_500);
      progress.update(3, 4);
      progress.update(4, 4);
      progress.stop();
      expect(text()).toBe("Dry run: 1 of 4\nDry run: 3 of 4\nDry run: 4 of 4\n");
    } finally {
      vi.useRealTimers();
    }
  });

  it("writes nothing when nothing was processed", () => {
    for (const isTTY of [true, false]) {
      const { stream, text } = captured(isTTY);
      progressReporter("Importing", stream).stop();
      expect(text()).toBe("");
    }
  });
});
