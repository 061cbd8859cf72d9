import { describe, expect, it } from "vitest";
import { hrefOf, parseRoute } from "../../../console/src/routes.js";

describe("the console's addresses", () => {
  it.each([
    ["", { screen: "overview" }],
    ["#/", { screen: "overview" }],
    ["#/domains/3", { screen: "domain", domainId: 3 }],
    ["#/domains/3/users", { screen: "users", domainId: 3 }],
    ["#/domains/3/users/42", { screen: "user", domainId: 3, userId: 42 }],
    ["#/contacts", { screen: "contacts", query: "" }],
    ["#/contacts?q=ada%40x.org", { screen: "contacts", query: "ada@x.org" }],
    ["#/contacts/7", { screen: "contact", contactId: 7 }],
  ])("reads %s", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it.each(["#/domains/0", "#/domains/x", "#/contacts/07", "#/domains/1/users/1/more", "#/nowhere"])(
    "has no screen for %s",
    (hash) => {
      expect(parseRoute(hash).screen).toBe("unknown");
    },
  );

  it("reads back every address it writes", () => {
    expect(parseRoute(hrefOf.user(2, 9))).toEqual({ screen: "user", domainId: 2, userId: 9 });
    expect(parseRoute(hrefOf.contacts("Lovelace & Co"))).toEqual({
      screen: "contacts",
      query: "Lovelace & Co",
    });
    expect(parseRoute(hrefOf.contact(5))).toEqual({ screen: "contact", contactId: 5 });
  });
});
