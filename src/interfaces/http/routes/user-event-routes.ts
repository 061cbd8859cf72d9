import type { UseCases } from "../../../infrastructure/container/index.js";
import { defineRoute, domainParams, replyWith, userParams } from "../route-kit.js";
import {
  anonymousInteractionSchema,
  interactionSchema,
  noQuery,
  outcomeJson,
  outcomeSchema,
  userProfileSchema,
} from "../schemas.js";

const outcomeResponses = {
  200: { description: "The outcome of the event", schema: outcomeSchema },
  400: { description: "ValidationFailed, MalformedJson" },
  404: { description: "DomainNotFound" },
};

/** A route whose body is the user's profile, answered by one user-event use case. */
const profileEventRoute = (
  method: "post" | "put",
  path: string,
  summary: string,
  useCase: (useCases: UseCases) => Pick<UseCases["linkOnLogin"], "execute">,
) =>
  defineRoute({
    method,
    path: `/v1/domains/{domainId}/users/{userId}${path}`,
    scope: "events",
    summary,
    tags: ["user events"],
    params: userParams,
    query: noQuery,
    body: userProfileSchema,
    responses: outcomeResponses,
    handle: ({ params, body }, { useCases }) =>
      replyWith(useCase(useCases).execute({ ...params, profile: body }), outcomeJson),
  });

export const userEventRoutes = [
  profileEventRoute(
    "post",
    "/registered",
    "A user registered on the CMS",
    (u) => u.linkOnRegistration,
  ),
  profileEventRoute("post", "/logged-in", "A user logged in to the CMS", (u) => u.linkOnLogin),
  defineRoute({
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/interactions",
    scope: "events",
    summary: "A logged-in user interacted (profile, contribution, membership, event, other)",
    tags: ["user events"],
    params: userParams,
    query: noQuery,
    body: interactionSchema,
    responses: outcomeResponses,
    handle: ({ params, body }, { useCases }) =>
      replyWith(
        useCases.linkOnInteraction.execute({ ...params, kind: body.kind, profile: body.user }),
        outcomeJson,
      ),
  }),
  profileEventRoute("put", "", "A user's profile was updated", (u) => u.syncUserEmail),
  defineRoute({
    method: "delete",
    path: "/v1/domains/{domainId}/users/{userId}",
    scope: "events",
    summary: "A user was deleted",
    tags: ["user events"],
    params: userParams,
    query: noQuery,
    responses: outcomeResponses,
    handle: ({ params }, { useCases }) =>
      replyWith(useCases.unlinkUser.execute(params), outcomeJson),
  }),
  defineRoute({
    method: "post",
    path: "/v1/domains/{domainId}/interactions",
    scope: "events",
    summary: "A visitor who is not logged in interacted",
    tags: ["user events"],
    params: domainParams,
    query: noQuery,
    body: anonymousInteractionSchema,
    responses: outcomeResponses,
    handle: ({ params, body }, { useCases }) =>
      replyWith(useCases.recordAnonymousInteraction.execute({ ...params, ...body }), outcomeJson),
  }),
];
