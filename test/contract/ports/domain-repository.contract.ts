import { describe, expect, it } from "vitest";
import { defaultDomain } from "../../../src/index.js";
import { aDomain } from "../../support/builders.js";
import { freshStorePerTest, type MakeStore, read, write } from "./support.js";

/** DomainRepository: the sites, each with its CMS profile, dedupe rule and email-sync setting. */
export function describeDomainRepositoryContract(storeName: string, makeStore: MakeStore) {
  describe(`DomainRepository contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    it("domain 1 is there from the start (§1)", async () => {
      expect(await read(store(), (s) => s.domains.get(1))).toEqual(defaultDomain("drupal"));
      expect(await read(store(), (s) => s.domains.list())).toEqual([defaultDomain("drupal")]);
    });

    it("get is null for an unknown domain", async () => {
      expect(await read(store(), (s) => s.domains.get(99))).toBeNull();
    });

    it("put inserts a domain that get and list give back; list is in id order", async () => {
      const three = aDomain(3, { cms: "joomla", syncCmsEmail: false });
      const two = aDomain(2, { name: "Second site", cms: "standalone" });
      await write(store(), async (s) => {
        await s.domains.put(three);
        await s.domains.put(two);
      });
      expect(await read(store(), (s) => s.domains.get(3))).toEqual(three);
      expect(await read(store(), (s) => s.domains.list())).toEqual([
        defaultDomain("drupal"),
        two,
        three,
      ]);
    });

    it("put replaces a domain whole", async () => {
      const replaced = aDomain(1, {
        name: "Renamed",
        cms: "backdrop",
        syncCmsEmail: false,
        dedupeRule: { weights: { email: 5, firstName: 3, lastName: 2 }, threshold: 8 },
      });
      await write(store(), (s) => s.domains.put(replaced));
      expect(await read(store(), (s) => s.domains.get(1))).toEqual(replaced);
      expect(await read(store(), (s) => s.domains.list())).toEqual([replaced]);
    });

    it("the dedupe rule round-trips, fractional weights and zeros included", async () => {
      const dedupeRule = { weights: { email: 7.5, firstName: 0, lastName: 2.25 }, threshold: 9.75 };
      await write(store(), (s) => s.domains.put(aDomain(2, { dedupeRule })));
      const stored = await read(store(), (s) => s.domains.get(2));
      expect(stored?.dedupeRule).toEqual(dedupeRule);
      expect(typeof stored?.dedupeRule.weights.firstName).toBe("number");
      expect(typeof stored?.syncCmsEmail).toBe("boolean");
    });

    it("a stored domain is a copy: changing the object put or got changes nothing stored", async () => {
      const domain = aDomain(2);
      await write(store(), (s) => s.domains.put(domain));
      domain.dedupeRule.threshold = 1;
      const got = await read(store(), (s) => s.domains.get(2));
      expect(got?.dedupeRule.threshold).toBe(10);
      if (got) got.name = "changed";
      expect((await read(store(), (s) => s.domains.get(2)))?.name).toBe("Domain 2");
    });
  });
}
