import { z } from "zod";
import { withQueryPaths } from "../query-issues.js";
import { defineRoute, domainParams, idString, replyWith } from "../route-kit.js";
import {
  auditEntryJson,
  auditEntrySchema,
  cursorQuery,
  limitQuery,
  outboxEventJson,
  outboxEventSchema,
  pageQueryFields,
} from "../schemas.js";

const outboxQuery = z.strictObject({
  userId: idString("user").exactOptional(),
  after: cursorQuery.exactOptional(),
  limit: limitQuery.exactOptional(),
});

const auditQuery = z.strictObject({
  userId: idString("user").exactOptional(),
  contactId: idString("contact").exactOptional(),
  ...pageQueryFields,
});

export const journalRoutes = [
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/outbox",
    scope: "read",
    summary:
      "Events for the CMS to apply, oldest first, optionally of one user; pass nextCursor as after for the next ones",
    tags: ["outbox and audit"],
    params: domainParams,
    query: outboxQuery,
    responses: {
      200: {
        description: "One page of events; nextCursor is null on the last page",
        schema: z.object({ events: z.array(outboxEventSchema), nextCursor: z.string().nullable() }),
      },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params, query }, { useCases }) =>
      withQueryPaths(
        replyWith(
          useCases.listOutbox.execute({
            domainId: params.domainId,
            ...(query.userId === undefined ? {} : { userId: query.userId }),
            ...(query.after === undefined ? {} : { cursor: query.after }),
            ...(query.limit === undefined ? {} : { limit: query.limit }),
          }),
          (page) => ({ events: page.items.map(outboxEventJson), nextCursor: page.nextCursor }),
        ),
        { cursor: "after" },
      ),
  }),
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/audit",
    scope: "read",
    summary: "The domain's audit trail, oldest first, optionally of one user or one contact",
    tags: ["outbox and audit"],
    params: domainParams,
    query: auditQuery,
    responses: {
      200: {
        description: "One page of audit entries",
        schema: z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() }),
      },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params, query }, { useCases }) =>
      withQueryPaths(
        replyWith(useCases.listAudit.execute({ ...params, ...query }), (page) => ({
          entries: page.items.map(auditEntryJson),
          nextCursor: page.nextCursor,
        })),
        { cursor: "cursor" },
      ),
  }),
];
