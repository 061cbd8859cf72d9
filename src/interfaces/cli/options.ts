import { InvalidArgumentError } from "commander";
import { type IdKind, type IdKinds, parseId } from "../../domain/index.js";

export function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError("must be a port number from 0 to 65535");
  }
  return port;
}

/** Parses an id argument of this kind (its range is that of every other entry). */
export const idOption =
  <K extends IdKind>(kind: K) =>
  (value: string): IdKinds[K] => {
    const id = parseId(kind, value);
    if (id.isErr()) throw new InvalidArgumentError(id.error);
    return id.value;
  };
