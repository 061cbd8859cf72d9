import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lockNames } from "../../../src/infrastructure/persistence/lock-names.js";
import {
  LOCK_BUCKETS,
  lockBucket,
  lockBuckets,
  lockId,
} from "../../../src/infrastructure/persistence/sql/advisory-locks.js";

describe("bucketed advisory locks", () => {
  it("maps every name to a bucket in [0, LOCK_BUCKETS), the same one every time", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (name) => {
        const bucket = lockBucket(name);
        expect(Number.isInteger(bucket)).toBe(true);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(LOCK_BUCKETS);
        expect(lockBucket(name)).toBe(bucket);
      }),
    );
  });

  it("keeps the mapping of released versions: every process sharing a database must agree", () => {
    // FNV-1a (32 bits) over UTF-8, MurmurHash3's finaliser, modulo 4096. Changing any of this
    // lets an old and a new process lock the same key on different buckets.
    expect(LOCK_BUCKETS).toBe(4096);
    expect(
      ["user:1:1", "user:2:42", "email:a@x.org", "email:zoë@x.org", "contact:7", ""].map(
        lockBucket,
      ),
    ).toEqual([169, 2766, 1422, 2343, 746, 3083]);
    // The migration lock keeps its one-key 64-bit id.
    expect(lockId("migrations:")).toBe(2100333112723645238n);
  });

  it("spreads keys evenly over the buckets", () => {
    const counts = new Array<number>(LOCK_BUCKETS).fill(0);
    const perBucket = 100;
    for (let index = 0; index < LOCK_BUCKETS * perBucket; index++) {
      const name = index % 2 === 0 ? `user:1:${index}` : `email:user${index}@example.org`;
      counts[lockBucket(name)] = (counts[lockBucket(name)] ?? 0) + 1;
    }
    // Poisson(100): a bucket outside 50..160 is more than five standard deviations away.
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(160);
  });

  it("takes each bucket once, in ascending order, and never more than LOCK_BUCKETS", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ domainId: fc.nat(5), userId: fc.nat(10_000) })),
        fc.array(fc.emailAddress()),
        fc.array(fc.nat(10_000)),
        (users, emailKeys, contactIds) => {
          const locks = { users, emailKeys, contactIds };
          const buckets = lockBuckets(locks);
          expect(buckets).toEqual([...new Set(buckets)].sort((a, b) => a - b));
          expect(new Set(buckets)).toEqual(new Set(lockNames(locks).map(lockBucket)));
        },
      ),
    );
    const many = {
      users: Array.from({ length: 50_000 }, (_, userId) => ({ domainId: 1, userId })),
      emailKeys: Array.from({ length: 50_000 }, (_, index) => `u${index}@x.org`),
    };
    expect(lockBuckets(many)).toHaveLength(LOCK_BUCKETS);
  });

  it("gives keys of one batch far fewer buckets than keys", () => {
    // A sync batch of 500 users with 500 email keys: at most 1,000 locks, in practice fewer.
    const batch = {
      users: Array.from({ length: 500 }, (_, userId) => ({ domainId: 1, userId })),
      emailKeys: Array.from({ length: 500 }, (_, index) => `u${index}@x.org`),
    };
    const taken = lockBuckets(batch).length;
    expect(taken).toBeLessThanOrEqual(1000);
    expect(taken).toBeGreaterThan(800);
  });
});
