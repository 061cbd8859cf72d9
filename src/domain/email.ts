import { err, ok, type Result } from "neverthrow";

/** Why a profile has no usable email (§2). */
export type EmailProblem = "no-email" | "invalid-email";

const MAX_LENGTH = 254;

/** Trims surrounding whitespace; the matching key is the trimmed address lower-cased. */
export const emailKeyOf = (raw: string): string => raw.trim().toLowerCase();

/**
 * A valid email address as the user gave it (trimmed, casing kept) with its matching key.
 * Built only through `Email.parse`, so an instance is always valid.
 */
export class Email {
  private constructor(
    readonly address: string,
    readonly key: string,
  ) {}

  static parse(raw: string | null | undefined): Result<Email, EmailProblem> {
    const trimmed = (raw ?? "").trim();
    if (trimmed === "") return err("no-email");
    if (!isValidAddress(trimmed)) return err("invalid-email");
    return ok(new Email(trimmed, trimmed.toLowerCase()));
  }
}

function isValidAddress(address: string): boolean {
  if (address.length > MAX_LENGTH || /\s/.test(address)) return false;
  const at = address.indexOf("@");
  // exactly one "@", with something on either side
  return at > 0 && at < address.length - 1 && address.indexOf("@", at + 1) === -1;
}
