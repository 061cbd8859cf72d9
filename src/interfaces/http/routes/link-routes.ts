import { z } from "zod";
import { withQueryPaths } from "../query-issues.js";
import { defineRoute, domainParams, idString, replyWith, userParams } from "../route-kit.js";
import { linkJson, linkSchema, noQuery, pageQueryFields, storableText } from "../schemas.js";

const linksQuery = z.strictObject({
  contactId: idString("contact").exactOptional(),
  email: storableText(1000).exactOptional(),
  ...pageQueryFields,
});

export const linkRoutes = [
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/users/{userId}/link",
    scope: "read",
    summary: "The link of one user",
    tags: ["links"],
    params: userParams,
    query: noQuery,
    responses: {
      200: { description: "The user's link", schema: linkSchema },
      404: { description: "DomainNotFound, LinkNotFound" },
    },
    handle: ({ params }, { useCases }) => replyWith(useCases.getLink.execute(params), linkJson),
  }),
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/links",
    scope: "read",
    summary: "The domain's links in userId order, optionally of one contact or one email",
    tags: ["links"],
    params: domainParams,
    query: linksQuery,
    responses: {
      200: {
        description: "One page of links",
        schema: z.object({ links: z.array(linkSchema), nextCursor: z.string().nullable() }),
      },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params, query }, { useCases }) =>
      withQueryPaths(
        replyWith(useCases.listLinks.execute({ ...params, ...query }), (page) => ({
          links: page.items.map(linkJson),
          nextCursor: page.nextCursor,
        })),
        { email: "email", cursor: "cursor" },
      ),
  }),
];
