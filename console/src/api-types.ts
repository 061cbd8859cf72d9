/** The JSON shapes of civilink's HTTP API that the console reads (docs/contract.md, docs/http.md). */

export type Scope = "events" | "read" | "admin";

export interface KeyInfo {
  name: string;
  scopes: Scope[];
}

export type CmsKind = "drupal" | "backdrop" | "wordpress" | "joomla" | "standalone";

export interface DedupeRule {
  weights: { email: number; firstName: number; lastName: number };
  threshold: number;
}

export interface Domain {
  id: number;
  name: string;
  cms: CmsKind;
  syncCmsEmail: boolean;
  dedupeRule: DedupeRule;
}

export interface DomainCounts {
  users: number;
  linkedUsers: number;
  notLinkedUsers: number;
  links: number;
}

export interface SyncReport {
  checked: number;
  alreadyLinked: number;
  matched: number;
  created: number;
  skipped: number;
  failed: number;
}

export interface SyncJob {
  id: string;
  domainId: number;
  status: "running" | "succeeded" | "failed";
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  progress: { processed: number; total: number };
  report: SyncReport;
  failures: { userId: number; reason: string }[];
  message: string | null;
}

export interface ContactEmail {
  email: string;
  isPrimary: boolean;
  locationType: string;
}

export interface Contact {
  id: number;
  contactType: "Individual" | "Organization" | "Household";
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  emails: ContactEmail[];
  isDeleted: boolean;
  createdAt: string;
}

export interface Link {
  domainId: number;
  userId: number;
  contactId: number;
  ufName: string;
  createdAt: string;
  updatedAt: string;
}

export interface DirectoryUser {
  userId: number;
  email?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  contactId: number | null;
}

export interface AuditEntry {
  at: string;
  domainId: number;
  userId: number | null;
  contactId: number;
  action: string;
  trigger: string;
}

export interface OutboxEvent {
  id: string;
  type: "user.email-changed";
  domainId: number;
  userId: number;
  email: string;
  at: string;
}

export interface ApiErrorBody {
  error: { kind: string; message: string; details?: unknown };
}
