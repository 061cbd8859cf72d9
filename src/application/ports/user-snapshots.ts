import type { CmsUser, Domain, DomainId, Link, UserId } from "../../domain/index.js";

/** What a user event looks at first: the domain, the user's directory entry and its link. */
export interface UserSnapshot {
  domain: Domain | null;
  user: CmsUser | null;
  link: Link | null;
}

/**
 * The three reads of a user snapshot in one statement, on stores where a round trip costs
 * much more than the reads themselves (SQL). It answers what `domains.get`, `users.get` and
 * `links.findByUser` would.
 */
export interface UserSnapshotReader {
  snapshot(domainId: DomainId, userId: UserId): Promise<UserSnapshot>;
}
