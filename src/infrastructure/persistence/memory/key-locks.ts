/** In-process mutual exclusion per key: waiters are served in arrival order. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Takes every key in sorted order; resolves to the function that releases them all. */
  async acquire(names: readonly string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const name of names) releases.push(await this.acquireOne(name));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  private async acquireOne(name: string): Promise<() => void> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    };
  }
}
