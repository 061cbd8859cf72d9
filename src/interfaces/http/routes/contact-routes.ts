import { z } from "zod";
import { withQueryPaths } from "../query-issues.js";
import { defineRoute, idString, replyWith } from "../route-kit.js";
import {
  booleanQuery,
  contactDefinitionSchema,
  contactJson,
  contactPatchSchema,
  contactSchema,
  cursorQuery,
  limitQueryUpTo,
  noQuery,
  storableString,
  storableText,
} from "../schemas.js";

const contactParams = z.strictObject({ contactId: idString("contact") });

/** `?email=` finds by email, as docs/contract.md has it; `?name=` searches names, a page at a time. */
const contactsQuery = z
  .strictObject({
    email: storableText(1000).exactOptional(),
    name: storableString.exactOptional(),
    includeDeleted: booleanQuery.exactOptional(),
    limit: limitQueryUpTo(100).exactOptional(),
    cursor: cursorQuery.exactOptional(),
  })
  .superRefine((query, context) => {
    if ((query.email === undefined) === (query.name === undefined)) {
      const message =
        query.email === undefined ? "give email or name" : "give only one of email and name";
      for (const path of ["email", "name"])
        context.addIssue({ code: "custom", path: [path], message });
    }
    if (query.email === undefined) return;
    for (const path of ["limit", "cursor"] as const) {
      if (query[path] !== undefined) {
        context.addIssue({ code: "custom", path: [path], message: "is taken only with name" });
      }
    }
  });

const contactsSchema = z.object({ contacts: z.array(contactSchema) });

export const contactRoutes = [
  defineRoute({
    method: "post",
    path: "/v1/contacts",
    scope: "admin",
    summary: "Create a contact in the CRM",
    tags: ["contacts"],
    query: noQuery,
    body: contactDefinitionSchema,
    responses: {
      201: { description: "The new contact", schema: contactSchema },
      400: { description: "ValidationFailed, MalformedJson" },
    },
    handle: async ({ body }, { useCases }) => {
      const reply = await replyWith(useCases.createContact.execute(body), contactJson, 201);
      if ("error" in reply) return reply;
      const id = (reply.body as { id: number }).id;
      return { ...reply, headers: { Location: `/v1/contacts/${id}` } };
    },
  }),
  defineRoute({
    method: "get",
    path: "/v1/contacts/{contactId}",
    scope: "read",
    summary: "One contact (also when in the trash)",
    tags: ["contacts"],
    params: contactParams,
    query: noQuery,
    responses: {
      200: { description: "The contact", schema: contactSchema },
      404: { description: "ContactNotFound" },
    },
    handle: ({ params }, { useCases }) =>
      replyWith(useCases.getContact.execute(params), contactJson),
  }),
  defineRoute({
    method: "get",
    path: "/v1/contacts",
    scope: "read",
    summary:
      "The contacts having an email (email=), or whose names contain a text (name=, paged: limit ≤ 100, default 25); trashed ones only with includeDeleted=true",
    tags: ["contacts"],
    query: contactsQuery,
    responses: {
      200: {
        description:
          "The contacts, lowest id first; with name=, one page of them and nextCursor (null on the last page)",
        schema: contactsSchema.extend({ nextCursor: z.string().nullable().optional() }),
      },
    },
    handle: ({ query }, { useCases }) => {
      const { email, name, ...rest } = query;
      if (name !== undefined) {
        return withQueryPaths(
          replyWith(useCases.searchContactsByName.execute({ name, ...rest }), (page) => ({
            contacts: page.items.map(contactJson),
            nextCursor: page.nextCursor,
          })),
          { name: "name", limit: "limit", cursor: "cursor" },
        );
      }
      return withQueryPaths(
        replyWith(
          useCases.findContactsByEmail.execute({
            email: email as string,
            ...(rest.includeDeleted === undefined ? {} : { includeDeleted: rest.includeDeleted }),
          }),
          (contacts) => ({ contacts: contacts.map(contactJson) }),
        ),
        { email: "email" },
      );
    },
  }),
  defineRoute({
    method: "patch",
    path: "/v1/contacts/{contactId}",
    scope: "admin",
    summary: "Edit a contact's names or primary email (a new primary email runs §7)",
    tags: ["contacts"],
    params: contactParams,
    query: noQuery,
    body: contactPatchSchema,
    responses: {
      200: { description: "The contact as stored", schema: contactSchema },
      400: { description: "ValidationFailed, MalformedJson" },
      404: { description: "ContactNotFound" },
    },
    handle: ({ params, body }, { useCases }) =>
      replyWith(useCases.updateContact.execute({ ...params, ...body }), contactJson),
  }),
  defineRoute({
    method: "post",
    path: "/v1/contacts/{contactId}/restore",
    scope: "admin",
    summary: "Take a contact out of the trash (a contact not in the trash stays as it is)",
    tags: ["contacts"],
    params: contactParams,
    query: noQuery,
    body: z.strictObject({}),
    bodyOptional: true,
    responses: {
      200: { description: "The contact, not in the trash", schema: contactSchema },
      400: { description: "ValidationFailed, MalformedJson" },
      404: { description: "ContactNotFound" },
    },
    handle: ({ params }, { useCases }) =>
      replyWith(useCases.restoreContact.execute(params), contactJson),
  }),
  defineRoute({
    method: "delete",
    path: "/v1/contacts/{contactId}",
    scope: "admin",
    summary: "Move a contact to the trash (refused while a user is linked to it)",
    tags: ["contacts"],
    params: contactParams,
    query: noQuery,
    responses: {
      204: { description: "Moved to the trash" },
      404: { description: "ContactNotFound" },
      409: { description: "ContactIsLinked (details.domainIds: where it is linked)" },
    },
    handle: ({ params }, { useCases }) =>
      replyWith(useCases.trashContact.execute(params), () => undefined, 204),
  }),
];
