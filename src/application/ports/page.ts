/** One page of a keyset-paged listing; `next` is null on the last page. */
export interface Page<T> {
  items: T[];
  /** The key to pass as `after` for the next page. */
  next: number | null;
}

export interface PageRequest {
  limit: number;
  /** Items come after this key (a userId, or an entry's sequence number). */
  after?: number;
}
