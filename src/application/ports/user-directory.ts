import type { CmsUser, DomainId, UserId } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";

/** The domain's known CMS users, as the CMS last described them. */
export interface UserDirectory {
  get(domainId: DomainId, userId: UserId): Promise<CmsUser | null>;
  /** Inserts or replaces the user whole. */
  put(user: CmsUser): Promise<void>;
  remove(domainId: DomainId, userId: UserId): Promise<boolean>;
  /** Users in userId order, after the cursor's user. */
  list(domainId: DomainId, page: PageRequest): Promise<Page<CmsUser>>;
  count(domainId: DomainId): Promise<number>;
}
