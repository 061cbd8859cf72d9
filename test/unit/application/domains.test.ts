import { describe, expect, it } from "vitest";
import type { DomainDefinition } from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import { putDomain } from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness } from "./helpers.js";

const DEFAULT_RULE = { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 };

describe("domains", () => {
  it("domain 1 exists from the start with the configured CMS", async () => {
    const { app } = harness({ cms: "joomla" });
    const domain = await expectOk(app.getDomain.execute({ domainId: 1 }));
    expect(domain).toEqual({
      id: 1,
      name: "Default",
      cms: "joomla",
      syncCmsEmail: true,
      dedupeRule: DEFAULT_RULE,
    });
    expect(await expectOk(app.listDomains.execute())).toEqual([domain]);
  });

  it("domain 1 defaults to drupal", async () => {
    const { app } = harness();
    expect((await expectOk(app.getDomain.execute({ domainId: 1 }))).cms).toBe("drupal");
  });

  it.each(BAD_IDS)("getDomain refuses domainId %s", async (id) => {
    const { app } = harness();
    expect(await expectInvalid(app.getDomain.execute({ domainId: id }))).toEqual(["domainId"]);
  });

  it("getDomain of a missing domain is DomainNotFound", async () => {
    const { app } = harness();
    expect(await expectErr(app.getDomain.execute({ domainId: 2 }))).toMatchObject({
      kind: "DomainNotFound",
      domainId: 2,
    });
  });

  it("putDomain creates with every default and lists domains in id order", async () => {
    const { app } = harness();
    const three = await putDomain(app, 3, { cms: "backdrop" });
    expect(three).toEqual({
      id: 3,
      name: "Domain 3",
      cms: "backdrop",
      syncCmsEmail: true,
      dedupeRule: DEFAULT_RULE,
    });
    await putDomain(app, 2, { cms: "standalone", name: " Second " });
    const all = await expectOk(app.listDomains.execute());
    expect(all.map((domain) => [domain.id, domain.name])).toEqual([
      [1, "Default"],
      [2, "Second"],
      [3, "Domain 3"],
    ]);
    expect(await expectOk(app.getDomain.execute({ domainId: 3 }))).toEqual(three);
  });

  it("putDomain replaces the domain whole (§11)", async () => {
    const { app } = harness();
    await putDomain(app, 1, {
      name: "Main",
      cms: "wordpress",
      syncCmsEmail: false,
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 },
    });
    const replaced = await putDomain(app, 1, { cms: "joomla" });
    expect(replaced).toEqual({
      id: 1,
      name: "Domain 1",
      cms: "joomla",
      syncCmsEmail: true,
      dedupeRule: DEFAULT_RULE,
    });
    expect(await expectOk(app.getDomain.execute({ domainId: 1 }))).toEqual(replaced);
  });

  it("an omitted weight is 0 and an omitted threshold the default", async () => {
    const { app } = harness();
    const domain = await putDomain(app, 2, {
      cms: "drupal",
      dedupeRule: { weights: { firstName: 5 } },
    });
    expect(domain.dedupeRule).toEqual({
      weights: { email: 0, firstName: 5, lastName: 0 },
      threshold: 10,
    });
    const empty = await putDomain(app, 2, { cms: "drupal", dedupeRule: {} });
    expect(empty.dedupeRule).toEqual({
      weights: { email: 0, firstName: 0, lastName: 0 },
      threshold: 10,
    });
  });

  it.each(BAD_IDS)("putDomain refuses domainId %s", async (id) => {
    const { app, calls } = harness();
    expect(
      await expectInvalid(app.putDomain.execute({ domainId: id, definition: { cms: "drupal" } })),
    ).toEqual(["domainId"]);
    expect(calls).toEqual([]);
  });

  it.each([
    [{ cms: "typo3" }, ["cms"]],
    [{ cms: "" }, ["cms"]],
    [{ cms: "drupal", dedupeRule: { weights: { email: -1 } } }, ["dedupeRule.weights.email"]],
    [
      { cms: "drupal", dedupeRule: { weights: { firstName: Number.NaN, lastName: Infinity } } },
      ["dedupeRule.weights.firstName", "dedupeRule.weights.lastName"],
    ],
    [{ cms: "drupal", dedupeRule: { threshold: -5 } }, ["dedupeRule.threshold"]],
    [
      { cms: "wix", dedupeRule: { weights: { email: -1 }, threshold: -1 } },
      ["cms", "dedupeRule.weights.email", "dedupeRule.threshold"],
    ],
  ] as [DomainDefinition, string[]][])("putDomain refuses %j at %j", async (definition, paths) => {
    const { app, calls } = harness();
    expect(await expectInvalid(app.putDomain.execute({ domainId: 2, definition }))).toEqual(paths);
    expect(calls).toEqual([]);
    expect(await expectErr(app.getDomain.execute({ domainId: 2 }))).toMatchObject({
      kind: "DomainNotFound",
    });
  });

  it("a domain's settings take effect on the next event", async () => {
    const { app } = harness();
    await putDomain(app, 1, { cms: "joomla" });
    const outcome = await expectOk(
      app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } }),
    );
    expect(outcome.outcome).toBe("ignored");
  });
});
