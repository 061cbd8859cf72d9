import type { DomainRepository } from "../../../application/ports/index.js";
import type { Domain, DomainId } from "../../../domain/index.js";
import { copy, type Journal, journaledSet, type MemoryTables } from "./memory-state.js";

export class MemoryDomains implements DomainRepository {
  constructor(
    private readonly tables: MemoryTables,
    private readonly journal: Journal | null,
  ) {}

  async get(id: DomainId): Promise<Domain | null> {
    const domain = this.tables.domains.get(id);
    return domain ? copy(domain) : null;
  }

  async list(): Promise<Domain[]> {
    return [...this.tables.domains.values()].sort((a, b) => a.id - b.id).map(copy);
  }

  async put(domain: Domain): Promise<void> {
    journaledSet(this.journal, this.tables.domains, domain.id, copy(domain));
  }
}
