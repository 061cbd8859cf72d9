import type { Domain, DomainId } from "../../domain/index.js";

export interface DomainRepository {
  get(id: DomainId): Promise<Domain | null>;
  list(): Promise<Domain[]>;
  put(domain: Domain): Promise<void>;
}
