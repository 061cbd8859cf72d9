import { describe, expect, it } from "vitest";
import { DEFAULT_DOMAIN_ID, defaultDomain, defineDomain } from "../../../src/domain/cms-domain.js";
import { CMS_KINDS, isCmsKind } from "../../../src/domain/cms-kind.js";
import { DEFAULT_DEDUPE_RULE } from "../../../src/domain/dedupe-rule.js";

const pathsOf = (result: ReturnType<typeof defineDomain>) => {
  const error = result._unsafeUnwrapErr();
  expect(error.kind).toBe("ValidationFailed");
  return error.details.map((issue) => issue.path).sort();
};

describe("defineDomain", () => {
  it("fills every omitted field with its default", () => {
    expect(defineDomain(3, { cms: "drupal" })._unsafeUnwrap()).toEqual({
      id: 3,
      name: "Domain 3",
      cms: "drupal",
      syncCmsEmail: true,
      dedupeRule: { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 },
    });
  });

  it("uses a blank name as omitted, and trims a given one", () => {
    expect(defineDomain(4, { cms: "joomla", name: "   " })._unsafeUnwrap().name).toBe("Domain 4");
    expect(defineDomain(4, { cms: "joomla", name: " Shop " })._unsafeUnwrap().name).toBe("Shop");
  });

  it("keeps syncCmsEmail false", () => {
    expect(
      defineDomain(2, { cms: "wordpress", syncCmsEmail: false })._unsafeUnwrap().syncCmsEmail,
    ).toBe(false);
  });

  it("gives each domain its own copy of the default rule", () => {
    const domain = defineDomain(2, { cms: "drupal" })._unsafeUnwrap();
    expect(domain.dedupeRule).not.toBe(DEFAULT_DEDUPE_RULE);
    domain.dedupeRule.threshold = 99;
    expect(DEFAULT_DEDUPE_RULE.threshold).toBe(10);
  });

  it("makes an omitted weight 0 when a rule is given", () => {
    const domain = defineDomain(2, {
      cms: "drupal",
      dedupeRule: { weights: { firstName: 5 }, threshold: 5 },
    })._unsafeUnwrap();
    expect(domain.dedupeRule).toEqual({
      weights: { email: 0, firstName: 5, lastName: 0 },
      threshold: 5,
    });
  });

  it("keeps a whole given rule", () => {
    const dedupeRule = { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 };
    expect(defineDomain(2, { cms: "drupal", dedupeRule })._unsafeUnwrap().dedupeRule).toEqual(
      dedupeRule,
    );
  });

  it("makes all weights 0 for a rule without weights, threshold as given", () => {
    expect(
      defineDomain(2, { cms: "drupal", dedupeRule: { threshold: 0 } })._unsafeUnwrap().dedupeRule,
    ).toEqual({ weights: { email: 0, firstName: 0, lastName: 0 }, threshold: 0 });
  });

  it.each(CMS_KINDS)("accepts cms %s", (cms) => {
    expect(defineDomain(1, { cms })._unsafeUnwrap().cms).toBe(cms);
  });

  it.each(["", "Drupal", "typo3"])("refuses cms %j with path cms", (cms) => {
    expect(pathsOf(defineDomain(1, { cms }))).toEqual(["cms"]);
  });

  it("refuses negative weights and threshold with their paths", () => {
    const result = defineDomain(1, {
      cms: "drupal",
      dedupeRule: { weights: { email: -1, firstName: 2, lastName: -5 }, threshold: -10 },
    });
    expect(pathsOf(result)).toEqual([
      "dedupeRule.threshold",
      "dedupeRule.weights.email",
      "dedupeRule.weights.lastName",
    ]);
  });

  it("refuses non-finite weights", () => {
    const result = defineDomain(1, {
      cms: "drupal",
      dedupeRule: { weights: { firstName: Number.NaN }, threshold: Number.POSITIVE_INFINITY },
    });
    expect(pathsOf(result)).toEqual(["dedupeRule.threshold", "dedupeRule.weights.firstName"]);
  });

  it("reports every issue at once", () => {
    const result = defineDomain(1, {
      cms: "nope",
      dedupeRule: { weights: { email: -1 } },
    });
    expect(pathsOf(result)).toEqual(["cms", "dedupeRule.weights.email"]);
  });
});

describe("isCmsKind / defaultDomain", () => {
  it("recognises exactly the five CMS kinds", () => {
    expect(CMS_KINDS).toEqual(["drupal", "backdrop", "wordpress", "joomla", "standalone"]);
    for (const cms of CMS_KINDS) expect(isCmsKind(cms)).toBe(true);
    expect(isCmsKind("JOOMLA")).toBe(false);
    expect(isCmsKind(1)).toBe(false);
    expect(isCmsKind(undefined)).toBe(false);
  });

  it("domain 1 has the default rule and syncCmsEmail on", () => {
    const domain = defaultDomain("backdrop");
    expect(domain.id).toBe(DEFAULT_DOMAIN_ID);
    expect(DEFAULT_DOMAIN_ID).toBe(1);
    expect(domain.cms).toBe("backdrop");
    expect(domain.syncCmsEmail).toBe(true);
    expect(domain.dedupeRule).toEqual(DEFAULT_DEDUPE_RULE);
  });
});
