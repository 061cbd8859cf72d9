import { describe, expect, it } from "vitest";
import { createCivilink, type LockKeys, type StoreRuntime } from "../../../src/index.js";
import { write } from "../../contract/ports/support.js";

/** Records how many users each transaction of the store locks. */
function recordingTransactions(batches: number[]) {
  return (store: StoreRuntime): StoreRuntime => {
    const transaction = store.transaction.bind(store);
    store.transaction = (locks: LockKeys, work) => {
      batches.push(locks.users?.length ?? 0);
      return transaction(locks, work);
    };
    return store;
  };
}

describe("the sync batch size of a container", () => {
  it.each([
    [undefined, [5]],
    [2, [2, 2, 1]],
  ])(
    "syncBatchSize %s: the sync and a sync job work batches of that size",
    async (syncBatchSize, expected) => {
      const batches: number[] = [];
      const civilink = createCivilink({
        store: "memory",
        wrapStore: recordingTransactions(batches),
        ...(syncBatchSize === undefined ? {} : { syncBatchSize }),
      });
      try {
        await write(civilink.store, async (stores) => {
          for (const userId of [1, 2, 3, 4, 5]) {
            await stores.users.put({ domainId: 1, userId, email: `u${userId}@x.org` });
          }
        });
        batches.length = 0;
        expect((await civilink.synchronizeAllUsers.execute({ domainId: 1 })).isOk()).toBe(true);
        expect(batches).toEqual(expected);
        batches.length = 0;
        expect((await civilink.startSyncJob.execute({ domainId: 1 })).isOk()).toBe(true);
        await civilink.startSyncJob.whenIdle();
        expect(batches.filter((users) => users > 0)).toEqual(expected);
      } finally {
        await civilink.close();
      }
    },
  );
});
