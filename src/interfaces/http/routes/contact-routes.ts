import { z } from "zod";
import { withQueryPaths } from "../query-issues.js";
import { defineRoute, idString, replyWith } from "../route-kit.js";
import {
  contactDefinitionSchema,
  contactJson,
  contactPatchSchema,
  contactSchema,
  noQuery,
  storableText,
} from "../schemas.js";

const contactParams = z.strictObject({ contactId: idString("contact") });

const contactsQuery = z.strictObject({
  email: storableText(1000),
  includeDeleted: z
    .enum(["true", "false"], "must be true or false")
    .transform((value) => value === "true")
    .optional(),
});

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
    summary: "The contacts having an email (trashed ones only with includeDeleted=true)",
    tags: ["contacts"],
    query: contactsQuery,
    responses: {
      200: {
        description: "The contacts, lowest id first",
        schema: z.object({ contacts: z.array(contactSchema) }),
      },
    },
    handle: ({ query }, { useCases }) =>
      withQueryPaths(
        replyWith(
          useCases.findContactsByEmail.execute(
            query.includeDeleted === undefined
              ? { email: query.email }
              : { email: query.email, includeDeleted: query.includeDeleted },
          ),
          (contacts) => ({ contacts: contacts.map(contactJson) }),
        ),
        { email: "email" },
      ),
  }),
  defineRoute({
    method: "patch",
    path: "/v1/contacts/{contactId}",
    scope: "admin",
    summary: "Edit a contact's names or primary email (a new primary email runs SPEC §7)",
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
