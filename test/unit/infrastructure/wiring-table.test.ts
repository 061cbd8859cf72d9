import { describe, expect, expectTypeOf, it } from "vitest";
import { createCivilink, TOKENS, type UseCases } from "../../../src/index.js";
import { USE_CASE_TABLE } from "../../../src/infrastructure/container/use-case-table.js";
import { resolveUseCases } from "../../../src/infrastructure/container/use-cases.js";
import {
  adapter,
  type ExposedOf,
  tokenOf,
  WiringTable,
} from "../../../src/infrastructure/container/wiring-table.js";

class Store {
  readonly kind = "store";
}
class Clock {
  readonly kind = "clock";
}
class Handler {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {}
}
class OnLogin {
  constructor(readonly handler: Handler) {}
}
class Query {
  constructor(
    readonly store: Store,
    readonly options: { limit?: number } = {},
  ) {}
}

const adapters = { store: adapter<Store>(), clock: adapter<Clock>() };

describe("the wiring table", () => {
  it("types each entry by its class, and lets callers see only the use cases", () => {
    const table = WiringTable.over(adapters)
      .shared("handler", ["store", "clock"], Handler)
      .useCase("onLogin", ["handler"], OnLogin)
      .useCase("query", ["store"], Query);
    expectTypeOf<ExposedOf<typeof table>>().toEqualTypeOf<{ onLogin: OnLogin; query: Query }>();
    expect(table.entries.map(({ name, needs, exposed }) => ({ name, needs, exposed }))).toEqual([
      { name: "handler", needs: ["store", "clock"], exposed: false },
      { name: "onLogin", needs: ["handler"], exposed: true },
      { name: "query", needs: ["store"], exposed: true },
    ]);
    expect(table.tokens()).toEqual({
      Store: Symbol.for("civilink.Store"),
      Clock: Symbol.for("civilink.Clock"),
      Handler: Symbol.for("civilink.Handler"),
      OnLogin: Symbol.for("civilink.OnLogin"),
      Query: Symbol.for("civilink.Query"),
    });
  });

  it("does not compile a wrong entry", () => {
    const table = WiringTable.over(adapters);
    // @ts-expect-error: the needs in the wrong order
    table.useCase("handler", ["clock", "store"], Handler);
    // @ts-expect-error: a need missing
    table.useCase("handler", ["store"], Handler);
    // @ts-expect-error: a need the class does not take
    table.useCase("query", ["store", "clock"], OnLogin);
    // @ts-expect-error: a name nobody declared
    table.useCase("query", ["database"], Query);
    // @ts-expect-error: an entry that needs one below it
    table.useCase("onLogin", ["handler"], OnLogin).shared("handler", ["store", "clock"], Handler);
    // @ts-expect-error: a name taken twice
    table.useCase("store", ["store"], Query);
  });

  it("binds every use case of civilink once, with its needs, under the token of its name", async () => {
    const civilink = createCivilink({ store: "memory" });
    try {
      const names = USE_CASE_TABLE.entries.filter((entry) => entry.exposed).map(({ name }) => name);
      expect(Object.keys(resolveUseCases(civilink.container)).sort()).toEqual([...names].sort());
      for (const name of names) {
        const useCase = civilink[name as keyof UseCases];
        expect(useCase).toBe(civilink.container.get(tokenOf(name)));
        expect(useCase).toBe(resolveUseCases(civilink.container)[name as keyof UseCases]);
      }
      expect(civilink.container.get(TOKENS.LinkOnLogin)).toBe(civilink.linkOnLogin);
      expect(civilink.container.get(TOKENS.UserEventHandler)).toBe(
        civilink.container.get(TOKENS.UserEventHandler),
      );
      expect(civilink.container.get(TOKENS.Store)).toBe(civilink.store);
      expect("userEventHandler" in resolveUseCases(civilink.container)).toBe(false);
    } finally {
      await civilink.close();
    }
  });
});
