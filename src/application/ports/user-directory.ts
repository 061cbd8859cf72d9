import type { CmsUser, DomainId, UserId } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";

export interface DirectoryFilter {
  /** true: only users with a link in the domain; false: only those without. */
  linked?: boolean;
}

/** Counted in one snapshot of the domain. */
export interface DirectoryCounts {
  /** Users in the directory. */
  users: number;
  /** Users in the directory that have a link in the domain. */
  linkedUsers: number;
  /** Every link of the domain, also of users not in the directory. */
  links: number;
}

/** The domain's known CMS users, as the CMS last described them. */
export interface UserDirectory {
  get(domainId: DomainId, userId: UserId): Promise<CmsUser | null>;
  /** Inserts or replaces the user whole. */
  put(user: CmsUser): Promise<void>;
  /**
   * Puts many users at once, as `put` on each in order would (a user given twice ends as its
   * last version), and counts the users that were new and those that already existed.
   */
  putMany(users: readonly CmsUser[]): Promise<{ inserted: number; updated: number }>;
  remove(domainId: DomainId, userId: UserId): Promise<boolean>;
  /**
   * Users in userId order, after the cursor's user; a page is full while more users pass the
   * filter, however many in a row it leaves out.
   */
  list(domainId: DomainId, page: PageRequest, filter?: DirectoryFilter): Promise<Page<CmsUser>>;
  /**
   * The ids of the domain's users above `after` and at most `upTo` (no bound: null), in
   * ascending order, at most `limit` of them.
   */
  userIdsBetween(
    domainId: DomainId,
    after: UserId | 0,
    upTo: UserId | null,
    limit: number,
  ): Promise<UserId[]>;
  count(domainId: DomainId): Promise<number>;
  countWithLinks(domainId: DomainId): Promise<DirectoryCounts>;
}
