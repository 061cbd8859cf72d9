import type { Knex } from "knex";
import type { Page, PageRequest } from "../../../application/ports/index.js";
import { num } from "./rows.js";

/**
 * Runs a keyset-paged query: rows after `request.after` in `column` order, one more than
 * the limit fetched to know whether a next page exists.
 */
export async function keysetPage<Row, Item>(
  query: Knex.QueryBuilder,
  column: string,
  request: PageRequest,
  map: (row: Row) => Item,
): Promise<Page<Item>> {
  if (request.after !== undefined) query.where(column, ">", request.after);
  const rows = (await query.orderBy(column).limit(request.limit + 1)) as Row[];
  const more = rows.length > request.limit;
  const items = rows.slice(0, request.limit);
  const last = items[items.length - 1] as Record<string, unknown> | undefined;
  const key = column.split(".").pop() as string;
  return { items: items.map(map), next: more && last ? num(last[key]) : null };
}
