import { err, ok, type Result } from "neverthrow";
import { CMS_KINDS, type CmsKind, isCmsKind } from "./cms-kind.js";
import { DEFAULT_DEDUPE_RULE, type DedupeRule } from "./dedupe-rule.js";
import { type ValidationFailed, type ValidationIssue, validationFailed } from "./errors.js";
import type { DomainId } from "./ids.js";

/** One site (CiviCRM "domain") with its CMS profile, dedupe rule and email-sync setting. */
export interface Domain {
  id: DomainId;
  name: string;
  cms: CmsKind;
  syncCmsEmail: boolean;
  dedupeRule: DedupeRule;
}

export const DEFAULT_DOMAIN_ID: DomainId = 1;

/** What `PUT /v1/domains/{id}` may carry; it replaces the domain whole (§11). */
export interface DomainDefinition {
  name?: string;
  cms: string;
  syncCmsEmail?: boolean;
  dedupeRule?: {
    weights?: { email?: number; firstName?: number; lastName?: number };
    threshold?: number;
  };
}

const isWeight = (value: number) => Number.isFinite(value) && value >= 0;

/** Builds a whole domain from its definition, filling every omitted field with its default. */
export function defineDomain(
  id: DomainId,
  definition: DomainDefinition,
): Result<Domain, ValidationFailed> {
  const issues: ValidationIssue[] = [];
  if (!isCmsKind(definition.cms)) {
    issues.push({ path: "cms", message: `must be one of ${CMS_KINDS.join(", ")}` });
  }
  const rule = definition.dedupeRule;
  const weights = {
    email: rule?.weights?.email ?? 0,
    firstName: rule?.weights?.firstName ?? 0,
    lastName: rule?.weights?.lastName ?? 0,
  };
  const dedupeRule: DedupeRule = rule
    ? { weights, threshold: rule.threshold ?? DEFAULT_DEDUPE_RULE.threshold }
    : structuredClone(DEFAULT_DEDUPE_RULE);
  for (const [field, value] of Object.entries(dedupeRule.weights)) {
    if (!isWeight(value)) {
      issues.push({ path: `dedupeRule.weights.${field}`, message: "must be a number ≥ 0" });
    }
  }
  if (!isWeight(dedupeRule.threshold)) {
    issues.push({ path: "dedupeRule.threshold", message: "must be a number ≥ 0" });
  }
  const name = definition.name?.trim() || `Domain ${id}`;
  if (issues.length > 0)
    return err(validationFailed("The domain definition is not valid.", issues));
  return ok({
    id,
    name,
    cms: definition.cms as CmsKind,
    syncCmsEmail: definition.syncCmsEmail ?? true,
    dedupeRule,
  });
}

export const defaultDomain = (cms: CmsKind): Domain => ({
  id: DEFAULT_DOMAIN_ID,
  name: "Default",
  cms,
  syncCmsEmail: true,
  dedupeRule: structuredClone(DEFAULT_DEDUPE_RULE),
});
