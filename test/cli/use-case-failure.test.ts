import type { ResultAsync } from "neverthrow";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  contactIsLinked,
  contactNotFound,
  domainNotFound,
  linkNotFound,
  storeFailed,
  storeUnavailable,
  syncAlreadyRunning,
  syncJobNotFound,
  type UseCaseError,
  validationFailed,
} from "../../src/index.js";
import type { UseCases } from "../../src/infrastructure/container/use-cases.js";
import { EXIT } from "../../src/interfaces/cli/exit-codes.js";
import { cliFailureOf } from "../../src/interfaces/cli/use-case-failure.js";

type AnsweredError<UseCase> = UseCase extends {
  execute(...args: never[]): ResultAsync<unknown, infer E>;
}
  ? E
  : never;

describe("the CLI's exit code of a use-case error", () => {
  it("has one for every error a use case answers", () => {
    type Answered = AnsweredError<UseCases[keyof UseCases]>;
    expectTypeOf<Answered>().not.toBeNever();
    expectTypeOf<Answered>().toExtend<UseCaseError>();
    expectTypeOf<Parameters<typeof cliFailureOf>[0]>().toEqualTypeOf<UseCaseError>();
  });

  it("is 3 for an unavailable store or CMS database, with its message", () => {
    expect(cliFailureOf(storeUnavailable("PostgreSQL at db:5432 is unavailable"))).toMatchObject({
      code: EXIT.storeUnavailable,
      message: "PostgreSQL at db:5432 is unavailable",
    });
    expect(
      cliFailureOf({ kind: "SourceUnavailable", message: "MySQL at cms:3306 went away" }),
    ).toMatchObject({ code: EXIT.storeUnavailable, message: "MySQL at cms:3306 went away" });
  });

  it("is 4 for a failed store, naming the driver's words and code", () => {
    expect(EXIT.storeFailed).toBe(4);
    const cause = { name: "DatabaseError", message: "disk full", code: "53100" };
    expect(cliFailureOf(storeFailed("The store failed.", cause))).toMatchObject({
      code: EXIT.storeFailed,
      message: "the store failed: disk full (53100)",
    });
    expect(cliFailureOf(storeFailed("The store kept refusing a write."))).toMatchObject({
      code: EXIT.storeFailed,
      message: "the store failed: The store kept refusing a write.",
    });
  });

  it("is 2 for bad input, a validation failure naming its first issue", () => {
    const invalid = validationFailed("Invalid id.", [
      { path: "domainId", message: "must be at most 2147483647" },
      { path: "userId", message: "must be a positive integer" },
    ]);
    const badInput: UseCaseError[] = [
      domainNotFound(7),
      contactNotFound(8),
      linkNotFound(1, 9),
      contactIsLinked(8, [1]),
      syncJobNotFound("job"),
      syncAlreadyRunning(1, null),
      { kind: "SourceInvalid", message: "no table wp_users" },
    ];
    expect(cliFailureOf(invalid)).toMatchObject({
      code: EXIT.badInput,
      message: "domainId must be at most 2147483647",
    });
    expect(cliFailureOf(validationFailed("a new domain needs --cms", []))).toMatchObject({
      code: EXIT.badInput,
      message: "a new domain needs --cms",
    });
    for (const error of badInput) {
      expect(cliFailureOf(error)).toMatchObject({ code: EXIT.badInput, message: error.message });
    }
  });
});
