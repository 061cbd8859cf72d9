import type { Reply } from "./route-kit.js";

/**
 * A use case reports a bad value by its own field name (`cursor`, `email`); when that value came
 * from the query string, the client sees it as `query.<parameter>`, like the problems the query
 * schema finds. `names` maps the use case's field to the query parameter it came from.
 */
export async function withQueryPaths(
  reply: Promise<Reply>,
  names: Record<string, string>,
): Promise<Reply> {
  const settled = await reply;
  if (!("error" in settled) || settled.error.kind !== "ValidationFailed") return settled;
  const details = settled.error.details;
  if (!Array.isArray(details)) return settled;
  return {
    error: {
      ...settled.error,
      details: details.map((issue: { path: string; message: string }) => {
        const parameter = names[issue.path];
        return parameter === undefined ? issue : { ...issue, path: `query.${parameter}` };
      }),
    },
  };
}
