import { z } from "zod";
import { defineRoute, domainParams, replyWith } from "../route-kit.js";
import { domainDefinitionSchema, domainJson, domainSchema, noQuery } from "../schemas.js";

const count = z.number().int().min(0);

const countsSchema = z.object({
  users: count,
  linkedUsers: count,
  notLinkedUsers: count,
  links: count,
});

export const domainRoutes = [
  defineRoute({
    method: "get",
    path: "/v1/domains",
    scope: "read",
    summary: "Every domain",
    tags: ["domains"],
    query: noQuery,
    responses: {
      200: { description: "The domains", schema: z.object({ domains: z.array(domainSchema) }) },
    },
    handle: (_input, { useCases }) =>
      replyWith(useCases.listDomains.execute(), (domains) => ({
        domains: domains.map(domainJson),
      })),
  }),
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}",
    scope: "read",
    summary: "One domain",
    tags: ["domains"],
    params: domainParams,
    query: noQuery,
    responses: {
      200: { description: "The domain", schema: domainSchema },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params }, { useCases }) => replyWith(useCases.getDomain.execute(params), domainJson),
  }),
  defineRoute({
    method: "put",
    path: "/v1/domains/{domainId}",
    scope: "admin",
    summary: "Create a domain or replace it whole (omitted fields take their defaults)",
    tags: ["domains"],
    params: domainParams,
    query: noQuery,
    body: domainDefinitionSchema,
    responses: {
      200: { description: "The domain as stored", schema: domainSchema },
      400: { description: "ValidationFailed, MalformedJson" },
    },
    handle: ({ params, body }, { useCases }) =>
      replyWith(
        useCases.putDomain.execute({ domainId: params.domainId, definition: body }),
        domainJson,
      ),
  }),
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/counts",
    scope: "read",
    summary:
      "How many users the directory has, linked in the domain or not, and how many links the domain has",
    tags: ["domains"],
    params: domainParams,
    query: noQuery,
    responses: {
      200: {
        description:
          "users = linkedUsers + notLinkedUsers; links also counts links of users not in the directory",
        schema: countsSchema,
      },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params }, { useCases }) =>
      replyWith(useCases.countDomainUsers.execute(params), (counts) => ({
        users: counts.users,
        linkedUsers: counts.linkedUsers,
        notLinkedUsers: counts.notLinkedUsers,
        links: counts.links,
      })),
  }),
];
