import { describe, expect, it } from "vitest";
import { type ApiKey, findKey, parseApiKeys } from "../../../src/interfaces/http/api-keys.js";

const keysOf = (value: string) => {
  const parsed = parseApiKeys(value);
  if (typeof parsed === "string") throw new Error(`refused: ${parsed}`);
  return parsed;
};

const refusalOf = (value: string) => {
  const parsed = parseApiKeys(value);
  if (typeof parsed !== "string") throw new Error(`accepted ${parsed.length} keys`);
  return parsed;
};

const describeKey = (key: ApiKey) => ({ name: key.name, scopes: [...key.scopes].sort() });

describe("CIVILINK_API_KEYS", () => {
  it("reads name:secret:scopes entries, trimmed and comma-separated", () => {
    const keys = keysOf(" cms:s3cret-one:events , ops:s3cret-two:read+admin,");
    expect(keys.map(describeKey)).toEqual([
      { name: "cms", scopes: ["events"] },
      { name: "ops", scopes: ["admin", "read"] },
    ]);
    expect(findKey(keys, "s3cret-two")?.name).toBe("ops");
  });

  it.each([
    ["a space inside", "cms:s3cret-one:events,ops:s3cret two:admin"],
    ["a leading space", "cms:s3cret-one:events,ops: s3cret-two:admin"],
    ["a trailing tab", "cms:s3cret-one:events,ops:s3cret-two\t:admin"],
    ["a no-break space", "cms:s3cret-one:events,ops:s3cret\u00a0two:admin"],
    ["only a space", "cms:s3cret-one:events,ops: :admin"],
  ])("refuses a secret with whitespace (%s), naming the entry only", (_case, value) => {
    const refusal = refusalOf(value);
    expect(refusal).toBe(
      "entry 2 (ops) has a secret with whitespace, which can never authenticate",
    );
  });

  it.each([
    ["a control character", "ops:s3cret\u0001two:admin"],
    ["DEL", "ops:s3cret\u007ftwo:admin"],
    ["a character beyond Latin-1", "ops:s3cret\u20actwo:admin"],
    ["an emoji", "ops:s3cret\u{1f511}two:admin"],
  ])("refuses a secret that an HTTP header cannot carry (%s)", (_case, value) => {
    expect(refusalOf(value)).toBe(
      "entry 1 (ops) has a secret with a character that an HTTP header cannot carry, which can never authenticate",
    );
  });

  it("accepts a secret of visible ASCII and Latin-1 letters", () => {
    const keys = keysOf("ops:!#$%&'()*+-./;<=>?@[]^_`{|}~\u00e9:admin");
    expect(keys).toHaveLength(1);
  });

  it("refuses a secret given to two keys, naming both keys and not the secret", () => {
    const refusal = refusalOf("cms:shared-s3cret:events,reader:other:read,ops:shared-s3cret:admin");
    expect(refusal).toBe(
      "entries 1 (cms) and 3 (ops) have the same secret, so ops can never authenticate",
    );
    expect(refusal).not.toContain("shared-s3cret");
  });

  it.each([
    ["cms:s3cret-one:bogus", 'entry 1 (cms) has an unknown scope "bogus"'],
    ["cms-s3cret-one-events", "entry 1 is not name:secret:scopes"],
    [":s3cret-one:events", "entry 1 has an empty name or secret"],
    ["cms:s3cret-one:events,cms:s3cret-two:read", "the name cms is used twice"],
    [" , ", "no key is given"],
  ])("refuses %s", (value, refusal) => {
    expect(refusalOf(value)).toBe(refusal);
  });
});
