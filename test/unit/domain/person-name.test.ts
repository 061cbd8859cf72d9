import { describe, expect, it } from "vitest";
import { CMS_KINDS } from "../../../src/domain/cms-kind.js";
import { parseJoomlaName, personNameOf } from "../../../src/domain/person-name.js";

describe("parseJoomlaName", () => {
  it.each([
    ["Last, First Middle", "Doe, John Quincy", { firstName: "John", lastName: "Doe" }],
    ["Last, First", "Doe, John", { firstName: "John", lastName: "Doe" }],
    ["Last,First without space", "Doe,John", { firstName: "John", lastName: "Doe" }],
    ["First Middle Last", "John Quincy Doe", { firstName: "John", lastName: "Doe" }],
    ["First Last", "John Doe", { firstName: "John", lastName: "Doe" }],
    ["extra whitespace", "  John   Quincy \t Doe  ", { firstName: "John", lastName: "Doe" }],
    [
      "compound last name before comma",
      "van der Berg, Jan",
      { firstName: "Jan", lastName: "van der Berg" },
    ],
    ["single word", "Doe", { lastName: "Doe" }],
    ["single word with spaces", "  Doe  ", { lastName: "Doe" }],
    ["last name and comma only", "Doe,", { lastName: "Doe" }],
    ["comma and first name only", ", John", { firstName: "John" }],
    ["empty", "", {}],
    ["whitespace", "   ", {}],
    ["comma only", " , ", {}],
  ])("%s: %j", (_label, name, expected) => {
    expect(parseJoomlaName(name)).toEqual(expected);
  });
});

describe("personNameOf", () => {
  it("uses firstName and lastName, trimmed", () => {
    expect(personNameOf({ firstName: " Ann ", lastName: " Lee " }, "drupal")).toEqual({
      firstName: "Ann",
      lastName: "Lee",
    });
  });

  it("drops empty names", () => {
    expect(personNameOf({ firstName: "  ", lastName: "Lee" }, "drupal")).toEqual({
      lastName: "Lee",
    });
    expect(personNameOf({}, "drupal")).toEqual({});
  });

  it("parses Joomla's name when firstName and lastName are both absent", () => {
    expect(personNameOf({ name: "Doe, John Quincy" }, "joomla")).toEqual({
      firstName: "John",
      lastName: "Doe",
    });
    expect(personNameOf({ name: "John Quincy Doe", email: "j@x.org" }, "joomla")).toEqual({
      firstName: "John",
      lastName: "Doe",
    });
    expect(personNameOf({ name: "Doe" }, "joomla")).toEqual({ lastName: "Doe" });
  });

  it("ignores Joomla's name when only firstName is given", () => {
    expect(personNameOf({ firstName: "Ann", name: "John Doe" }, "joomla")).toEqual({
      firstName: "Ann",
    });
  });

  it("ignores Joomla's name when only lastName is given", () => {
    expect(personNameOf({ lastName: "Lee", name: "John Doe" }, "joomla")).toEqual({
      lastName: "Lee",
    });
  });

  it.each(CMS_KINDS.filter((cms) => cms !== "joomla"))("never uses name for %s", (cms) => {
    expect(personNameOf({ name: "John Doe" }, cms)).toEqual({});
  });
});
