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

export const userEventRoutes = [
  defineRoute({
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/registered",
    scope: "events",
    summary: "A user registered on the CMS",
    tags: ["user events"],
    params: userParams,
    query: noQuery,
    body: userProfileSchema,
    responses: outcomeResponses,
    handle: ({ params, body }, { useCases }) =>
      replyWith(useCases.linkOnRegistration.execute({ ...params, profile: body }), outcomeJson),
  }),
  defineRoute({
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/logged-in",
    scope: "events",
    summary: "A user logged in to the CMS",
    tags: ["user events"],
    params: userParams,
    query: noQuery,
    body: userProfileSchema,
    responses: outcomeResponses,
    handle: ({ params, body }, { useCases }) =>
      replyWith(useCases.linkOnLogin.execute({ ...params, profile: body }), outcomeJson),
  }),
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
  defineRoute({
    method: "put",
    path: "/v1/domains/{domainId}/users/{userId}",
    scope: "events",
    summary: "A user's profile was updated",
    tags: ["user events"],
    params: userParams,
    query: noQuery,
    body: userProfileSchema,
    responses: outcomeResponses,
    handle: ({ params, body }, { useCases }) =>
      replyWith(useCases.syncUserEmail.execute({ ...params, profile: body }), outcomeJson),
  }),
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
