import type {
  DirectoryCounts,
  DirectoryFilter,
  Page,
  PageRequest,
  UserDirectory,
} from "../../../application/ports/index.js";
import type { CmsUser, DomainId, UserId } from "../../../domain/index.js";
import { keysetPage } from "./keyset-page.js";
import { userKey } from "./memory-links.js";
import {
  copy,
  type Journal,
  journaledDelete,
  journaledSet,
  type MemoryTables,
} from "./memory-state.js";

export class MemoryUsers implements UserDirectory {
  constructor(
    private readonly tables: MemoryTables,
    private readonly journal: Journal | null,
  ) {}

  async get(domainId: DomainId, userId: UserId): Promise<CmsUser | null> {
    const user = this.tables.users.get(domainId)?.get(userId);
    return user ? copy(user) : null;
  }

  async put(user: CmsUser): Promise<void> {
    journaledSet(this.journal, this.directory(user.domainId), user.userId, copy(user));
  }

  async putMany(users: readonly CmsUser[]): Promise<{ inserted: number; updated: number }> {
    let inserted = 0;
    for (const user of users) {
      const directory = this.directory(user.domainId);
      if (!directory.has(user.userId)) inserted++;
      journaledSet(this.journal, directory, user.userId, copy(user));
    }
    return { inserted, updated: users.length - inserted };
  }

  async remove(domainId: DomainId, userId: UserId): Promise<boolean> {
    const users = this.tables.users.get(domainId);
    if (!users?.has(userId)) return false;
    journaledDelete(this.journal, users, userId);
    return true;
  }

  async list(
    domainId: DomainId,
    page: PageRequest,
    filter: DirectoryFilter = {},
  ): Promise<Page<CmsUser>> {
    const sorted = [...(this.tables.users.get(domainId)?.values() ?? [])]
      .filter((user) => filter.linked === undefined || this.isLinked(user) === filter.linked)
      .sort((a, b) => a.userId - b.userId);
    const result = keysetPage(sorted, (user) => user.userId, page);
    return { ...result, items: result.items.map(copy) };
  }

  async userIdsBetween(
    domainId: DomainId,
    after: UserId | 0,
    upTo: UserId | null,
    limit: number,
  ): Promise<UserId[]> {
    const ids = [...(this.tables.users.get(domainId)?.keys() ?? [])].filter(
      (userId) => userId > after && (upTo === null || userId <= upTo),
    );
    return ids.sort((a, b) => a - b).slice(0, limit);
  }

  async count(domainId: DomainId): Promise<number> {
    return this.tables.users.get(domainId)?.size ?? 0;
  }

  async countWithLinks(domainId: DomainId): Promise<DirectoryCounts> {
    const users = [...(this.tables.users.get(domainId)?.values() ?? [])];
    const links = [...this.tables.links.values()].filter((link) => link.domainId === domainId);
    return {
      users: users.length,
      linkedUsers: users.filter((user) => this.isLinked(user)).length,
      links: links.length,
    };
  }

  private isLinked(user: CmsUser): boolean {
    return this.tables.links.has(userKey(user.domainId, user.userId));
  }

  private directory(domainId: DomainId): Map<UserId, CmsUser> {
    let users = this.tables.users.get(domainId);
    if (!users) {
      users = new Map();
      this.tables.users.set(domainId, users);
    }
    return users;
  }
}
