/** One page of a keyset-paged listing; `next` is null on the last page. */
export interface Page<T, K = number> {
  items: T[];
  /** The key to pass as `after` for the next page. */
  next: K | null;
}

export interface PageRequest<K = number> {
  limit: number;
  /** Items come after this key (a userId, an entry's sequence number, a contact id…). */
  after?: K;
}
