import type { Clock, UnitOfWork } from "../ports/index.js";

/** A use case that works on the store through the unit of work and dates what it writes. */
export abstract class StoreAndClockUseCase {
  constructor(
    protected readonly uow: UnitOfWork,
    protected readonly clock: Clock,
  ) {}
}
