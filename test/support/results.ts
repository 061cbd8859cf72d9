import type { Result } from "neverthrow";

/** The value of a result that must be ok; its error value is shown when it is not. */
export function okValue<T, E>(result: Result<T, E>): T {
  if (result.isErr()) throw new Error(`Expected ok, got err ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error value of a result that must be an error; its value is shown when it is not. */
export function errValue<T, E>(result: Result<T, E>): E {
  if (result.isOk()) throw new Error(`Expected err, got ok ${JSON.stringify(result.value)}`);
  return result.error;
}

/** The `kind` of the error value of a result that must be an error (a StoreError's kind). */
export function errKind<T, E>(result: Result<T, E>): unknown {
  const error = errValue(result);
  return typeof error === "object" && error !== null ? (error as { kind?: unknown }).kind : error;
}

/** Awaits a result (a use case's `ResultAsync`) and gives its value, failing on an error. */
export async function expectOk<T, E>(pending: PromiseLike<Result<T, E>>): Promise<T> {
  return okValue(await pending);
}

/** Awaits a result and gives its error value, failing on a value. */
export async function expectErr<T, E>(pending: PromiseLike<Result<T, E>>): Promise<E> {
  return errValue(await pending);
}
