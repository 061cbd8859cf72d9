import { InvalidArgumentError } from "commander";

export function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError("must be a port number from 0 to 65535");
  }
  return port;
}

export function positiveIntOption(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError("must be a positive integer");
  return Number(value);
}
