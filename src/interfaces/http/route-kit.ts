import type { Request, Response } from "express";
import type { ResultAsync } from "neverthrow";
import { z } from "zod";
import { DECIMAL_ID, type IdKind, MAX_ID, parseId } from "../../domain/index.js";
import type { StoreRuntime, UseCases } from "../../infrastructure/container/index.js";
import type { RouteScope } from "./api-keys.js";
import type { HttpError } from "./http-errors.js";
import { httpErrorOf, type UseCaseError } from "./use-case-errors.js";

/** What a route's handler may use besides its validated input. */
export interface RouteContext {
  useCases: UseCases;
  store: StoreRuntime;
  request: Request;
  response: Response;
}

export type Reply =
  | {
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
      /** Sends `body`, a string, as this media type instead of JSON (the docs page). */
      contentType?: string;
    }
  | { error: HttpError };

export interface RouteDefinition<P = unknown, Q = unknown, B = unknown> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** In OpenAPI form: `/v1/domains/{domainId}`. */
  path: string;
  /** null: open to anyone (health, docs); `any`: any valid key. */
  scope: RouteScope | null;
  /** A page for people (docs, console): it also answers with a trailing slash. */
  page?: true;
  summary: string;
  tags: string[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** A JSON body; an absent body is validated as `{}` when `bodyOptional`. */
  body?: z.ZodType<B>;
  bodyOptional?: boolean;
  /** A streamed body the handler reads itself, with the media types it accepts. */
  stream?: { mediaTypes: string[] };
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handle(input: { params: P; query: Q; body: B }, context: RouteContext): Promise<Reply>;
}

export const defineRoute = <P, Q, B>(route: RouteDefinition<P, Q, B>) =>
  route as unknown as RouteDefinition;

/** Answers a use case's result: the mapped value with `status`, or its error. */
export async function replyWith<T, E extends UseCaseError>(
  result: ResultAsync<T, E>,
  toBody: (value: T) => unknown = (value) => value,
  status = 200,
): Promise<Reply> {
  const settled = await result;
  if (settled.isErr()) return { error: httpErrorOf(settled.error) };
  return { status, body: toBody(settled.value) };
}

/** An id of this kind in the path or the query, as a decimal string in the kind's range. */
export const idString = <K extends IdKind>(kind: K) =>
  z
    .string()
    .regex(DECIMAL_ID, "must be a positive integer")
    .describe(`An integer from 1 to ${MAX_ID[kind]}`)
    .transform((text, context) => {
      const id = parseId(kind, text);
      if (id.isOk()) return id.value;
      context.addIssue({ code: "custom", message: id.error });
      return z.NEVER;
    });

export const domainParams = z.strictObject({ domainId: idString("domain") });
export const userParams = z.strictObject({
  domainId: idString("domain"),
  userId: idString("user"),
});
