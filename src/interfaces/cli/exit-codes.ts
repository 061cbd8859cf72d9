/** The exit codes of docs/contract.md. */
export const EXIT = {
  done: 0,
  someUsersFailed: 1,
  badInput: 2,
  storeUnavailable: 3,
  storeFailed: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports on one line of stderr before exiting with `code`. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}
