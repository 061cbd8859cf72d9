/** Hands out the ids of new records the store does not number itself (sync jobs). */
export interface IdGenerator {
  /** An id no other record has, in any process. */
  newId(): string;
}
