import type { Request } from "express";
import { z } from "zod";
import { importRows, MEDIA_TYPE_OF_FORMAT } from "../../shared-import/index.js";
import type { HttpError } from "../http-errors.js";
import { withQueryPaths } from "../query-issues.js";
import { defineRoute, domainParams, replyWith } from "../route-kit.js";
import {
  booleanQuery,
  directoryUserJson,
  directoryUserSchema,
  pageQueryFields,
} from "../schemas.js";

const directoryQuery = z.strictObject({ linked: booleanQuery.exactOptional(), ...pageQueryFields });

const importResultSchema = z.object({
  imported: z.number().int(),
  updated: z.number().int(),
  rejected: z.array(z.object({ line: z.number().int(), error: z.string() })),
  rejectedCount: z.number().int(),
});

/** The import reads UTF-8 bytes as they come: another charset or a compressed body is 415. */
function unreadableEncoding(request: Request): HttpError | null {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(
    request.headers["content-type"] ?? "",
  )?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    return { kind: "UnsupportedMediaType", message: "Send the export as UTF-8." };
  }
  const encoding = request.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    return { kind: "UnsupportedMediaType", message: "Send the export without Content-Encoding." };
  }
  return null;
}

/** The domain's user directory (admin): the listing and the streamed import. */
export const userDirectoryRoutes = [
  defineRoute({
    method: "post",
    path: "/v1/domains/{domainId}/users/import",
    scope: "admin",
    summary: "Loads a user export (NDJSON or CSV, streamed, any size) into the directory",
    tags: ["user directory"],
    params: domainParams,
    stream: { mediaTypes: [MEDIA_TYPE_OF_FORMAT.ndjson, MEDIA_TYPE_OF_FORMAT.csv] },
    responses: {
      200: {
        description: "The users imported and updated, and the lines rejected",
        schema: importResultSchema,
      },
      400: {
        description: "ValidationFailed (a CSV header that is not the one of docs/contract.md)",
      },
      404: { description: "DomainNotFound" },
      415: { description: "UnsupportedMediaType" },
    },
    handle: async ({ params }, { useCases, request }) => {
      const refused = unreadableEncoding(request);
      if (refused) return { error: refused };
      const format = request.is(MEDIA_TYPE_OF_FORMAT.csv) ? "csv" : "ndjson";
      // Not destroyed when the import stops early, so that its answer still reaches the client.
      const body = { [Symbol.asyncIterator]: () => request.iterator({ destroyOnReturn: false }) };
      const rows = importRows(format, body);
      const reply = await replyWith(
        useCases.importUsers.execute({ domainId: params.domainId, rows }),
      );
      // Stopped early (an error): the rest is read and dropped, else the client's upload stalls.
      if (!request.complete) request.resume();
      return reply;
    },
  }),
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/users",
    scope: "admin",
    summary:
      "The domain's user directory in userId order, each user with its linked contact; linked=true or false keeps only the users linked in the domain, or only the others",
    tags: ["user directory"],
    params: domainParams,
    query: directoryQuery,
    responses: {
      200: {
        description: "One page of users",
        schema: z.object({
          users: z.array(directoryUserSchema),
          nextCursor: z.string().nullable(),
        }),
      },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params, query }, { useCases }) =>
      withQueryPaths(
        replyWith(useCases.listUsers.execute({ ...params, ...query }), (page) => ({
          users: page.items.map(directoryUserJson),
          nextCursor: page.nextCursor,
        })),
        { cursor: "cursor", linked: "linked" },
      ),
  }),
];
