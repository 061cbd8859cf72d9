import { z } from "zod";
import { INTERACTION_KINDS } from "../../application/index.js";
import {
  AUDIT_ACTIONS,
  type AuditEntry,
  CMS_KINDS,
  type CmsUser,
  CONTACT_TYPES,
  type Contact,
  type Domain,
  type Link,
  type Outcome,
  TRIGGERS,
  textProblem,
  type UserEmailChanged,
} from "../../domain/index.js";

/**
 * Request and response shapes of docs/contract.md; the routes validate with them and OpenAPI shows them.
 * A request's optional field is `exactOptional`: absent, or holding a value (neither JSON nor
 * a query string can hold `undefined`), as the use cases' inputs have it.
 */

/** A string every store can hold (no U+0000, no lone surrogate); every text a client sends. */
export const storableString = z.string().check((context) => {
  const problem = textProblem(context.value);
  if (problem !== null)
    context.issues.push({ code: "custom", message: problem, input: context.value });
});

export const storableText = (maxLength: number) => storableString.max(maxLength);

const text = storableText(1000);
const emailText = storableText(1000);

export const userProfileSchema = z.strictObject({
  email: emailText.exactOptional(),
  username: text.exactOptional(),
  firstName: text.exactOptional(),
  lastName: text.exactOptional(),
  name: text.exactOptional(),
});

export const interactionSchema = z.strictObject({
  kind: z.enum(INTERACTION_KINDS),
  user: userProfileSchema,
});

export const anonymousInteractionSchema = z.strictObject({
  kind: z.enum(INTERACTION_KINDS),
  email: emailText,
  firstName: text.exactOptional(),
  lastName: text.exactOptional(),
});

const weight = z.number().min(0).max(1e9);

export const domainDefinitionSchema = z.strictObject({
  name: text.exactOptional(),
  cms: z.enum(CMS_KINDS),
  syncCmsEmail: z.boolean().exactOptional(),
  dedupeRule: z
    .strictObject({
      weights: z
        .strictObject({
          email: weight.exactOptional(),
          firstName: weight.exactOptional(),
          lastName: weight.exactOptional(),
        })
        .exactOptional(),
      threshold: weight.exactOptional(),
    })
    .exactOptional(),
});

export const contactDefinitionSchema = z.strictObject({
  contactType: z.enum(CONTACT_TYPES).exactOptional(),
  firstName: text.exactOptional(),
  lastName: text.exactOptional(),
  displayName: text.exactOptional(),
  emails: z
    .array(
      z.strictObject({
        email: emailText,
        isPrimary: z.boolean().exactOptional(),
        locationType: text.exactOptional(),
      }),
    )
    .max(100)
    .exactOptional(),
});

export const contactPatchSchema = z.strictObject({
  firstName: text.exactOptional(),
  lastName: text.exactOptional(),
  primaryEmail: emailText.exactOptional(),
});

export const syncStartSchema = z.strictObject({ dryRun: z.boolean().exactOptional() });

/** `?limit=` of a listing that gives at most `max` items a page. */
export const limitQueryUpTo = (max: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${String(max).length}}$`), `must be an integer from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`));

export const limitQuery = limitQueryUpTo(1000);

/** A query flag: `true` or `false`, nothing else. */
export const booleanQuery = z
  .enum(["true", "false"], "must be true or false")
  .transform((value) => value === "true");

export const cursorQuery = z.string().max(100);

const isoDate = z.iso.datetime();

export const linkSchema = z.object({
  domainId: z.number().int(),
  userId: z.number().int(),
  contactId: z.number().int(),
  ufName: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

export const outcomeSchema = z.object({
  outcome: z.enum([
    "already-linked",
    "linked-existing",
    "created-contact",
    "skipped",
    "ignored",
    "email-synced",
    "unchanged",
    "unlinked",
    "not-linked",
    "contact-matched",
    "contact-created",
  ]),
  reason: z.enum(["no-email", "invalid-email", "cms-policy"]).optional(),
  link: linkSchema.nullable(),
  contactId: z.number().int().nullable(),
});

export const domainSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  cms: z.enum(CMS_KINDS),
  syncCmsEmail: z.boolean(),
  dedupeRule: z.object({
    weights: z.object({ email: z.number(), firstName: z.number(), lastName: z.number() }),
    threshold: z.number(),
  }),
});

export const contactSchema = z.object({
  id: z.number().int(),
  contactType: z.enum(CONTACT_TYPES),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  displayName: z.string(),
  emails: z.array(
    z.object({ email: z.string(), isPrimary: z.boolean(), locationType: z.string() }),
  ),
  isDeleted: z.boolean(),
  createdAt: isoDate,
});

export const directoryUserSchema = z.object({
  userId: z.number().int(),
  email: z.string().optional(),
  username: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  name: z.string().optional(),
  contactId: z.number().int().nullable(),
});

export const auditEntrySchema = z.object({
  at: isoDate,
  domainId: z.number().int(),
  userId: z.number().int().nullable(),
  contactId: z.number().int(),
  action: z.enum(AUDIT_ACTIONS),
  trigger: z.enum(TRIGGERS),
});

export const outboxEventSchema = z.object({
  id: z.string(),
  type: z.literal("user.email-changed"),
  domainId: z.number().int(),
  userId: z.number().int(),
  email: z.string(),
  at: isoDate,
});

/** Dates become ISO strings, absent names null: the JSON shapes of docs/contract.md. */
export const linkJson = (link: Link) => ({
  domainId: link.domainId,
  userId: link.userId,
  contactId: link.contactId,
  ufName: link.ufName,
  createdAt: link.createdAt.toISOString(),
  updatedAt: link.updatedAt.toISOString(),
});

export const outcomeJson = (outcome: Outcome) => ({
  outcome: outcome.outcome,
  ...(outcome.reason ? { reason: outcome.reason } : {}),
  link: outcome.link ? linkJson(outcome.link) : null,
  contactId: outcome.contactId,
});

export const contactJson = (contact: Contact) => ({
  id: contact.id,
  contactType: contact.contactType,
  firstName: contact.firstName ?? null,
  lastName: contact.lastName ?? null,
  displayName: contact.displayName,
  emails: contact.emails,
  isDeleted: contact.isDeleted,
  createdAt: contact.createdAt.toISOString(),
});

export const directoryUserJson = ({
  domainId: _domainId,
  ...user
}: CmsUser & { contactId: number | null }) => user;

/** `?limit=&cursor=` of the paged listings (limit ≤ 1000, default 100). */
export const pageQueryFields = {
  limit: limitQuery.exactOptional(),
  cursor: cursorQuery.exactOptional(),
};

/** A route that takes no query parameters: any given is refused (400 ValidationFailed). */
export const noQuery = z.strictObject({});

export const domainJson = (domain: Domain) => ({
  id: domain.id,
  name: domain.name,
  cms: domain.cms,
  syncCmsEmail: domain.syncCmsEmail,
  dedupeRule: {
    weights: {
      email: domain.dedupeRule.weights.email,
      firstName: domain.dedupeRule.weights.firstName,
      lastName: domain.dedupeRule.weights.lastName,
    },
    threshold: domain.dedupeRule.threshold,
  },
});

export const auditEntryJson = (entry: AuditEntry) => ({
  at: entry.at.toISOString(),
  domainId: entry.domainId,
  userId: entry.userId,
  contactId: entry.contactId,
  action: entry.action,
  trigger: entry.trigger,
});

export const outboxEventJson = (event: UserEmailChanged & { id: string }) => ({
  id: event.id,
  type: event.type,
  domainId: event.domainId,
  userId: event.userId,
  email: event.email,
  at: event.at.toISOString(),
});
