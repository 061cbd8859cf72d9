import { errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type Contact,
  foldName,
  textProblem,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import {
  type CursorPage,
  type CursorRequest,
  cursorPageOf,
  type PageBounds,
  pageRequestOf,
} from "../shared/paging.js";

export const CONTACT_SEARCH_PAGE_BOUNDS: PageBounds = { defaultLimit: 25, maxLimit: 100 };

/** The longest text searched for, in characters (code points) once trimmed. */
export const MAX_NAME_QUERY_LENGTH = 200;

export interface SearchContactsByNameInput extends CursorRequest {
  /** Found in first names, last names and display names, whatever its case. */
  name: string;
  includeDeleted?: boolean;
}

/** Why `name` cannot be searched for, or null. */
function nameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "must be a string";
  const problem = textProblem(name);
  if (problem !== null) return problem;
  const length = [...name.trim()].length;
  if (length < 1 || length > MAX_NAME_QUERY_LENGTH) {
    return `must be 1 to ${MAX_NAME_QUERY_LENGTH} characters once trimmed`;
  }
  return null;
}

/**
 * Contacts having the text in their first name, last name or display name, compared as
 * `foldName` folds them (case-insensitive; every character is itself, `%` and `_` too), lowest
 * id first; trashed ones only when asked.
 */
export class SearchContactsByName {
  constructor(private readonly uow: UnitOfWork) {}

  execute(
    input: SearchContactsByNameInput,
  ): ResultAsync<CursorPage<Contact>, ValidationFailed | StoreError> {
    const problem = nameProblem(input.name);
    const page = pageRequestOf(input, CONTACT_SEARCH_PAGE_BOUNDS);
    const details = [
      ...(problem === null ? [] : [{ path: "name", message: problem }]),
      ...(page.isErr() ? page.error.details : []),
    ];
    if (details.length > 0 || page.isErr()) {
      return errAsync(validationFailed("Invalid name search.", details));
    }
    const query = foldName(input.name.trim());
    const options = { includeDeleted: input.includeDeleted === true };
    return this.uow.read(async (stores) =>
      ok(cursorPageOf(await stores.contacts.findByName(query, options, page.value))),
    );
  }
}
