import type { Page, PageRequest } from "../../../application/ports/index.js";

/** One page of items already sorted by their numeric key. */
export function keysetPage<T>(
  sorted: readonly T[],
  keyOf: (item: T) => number,
  request: PageRequest,
): Page<T> {
  const start = request.after === undefined ? 0 : firstIndexAfter(sorted, keyOf, request.after);
  const items = sorted.slice(start, start + request.limit);
  const last = items[items.length - 1];
  const more = start + request.limit < sorted.length;
  return { items, next: more && last !== undefined ? keyOf(last) : null };
}

function firstIndexAfter<T>(
  sorted: readonly T[],
  keyOf: (item: T) => number,
  after: number,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyOf(sorted[middle] as T) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
