import { errAsync, type Result, ResultAsync } from "neverthrow";
import {
  type LockKeys,
  type StoreError,
  storeUnavailable,
  type UnitOfWork,
  type Work,
} from "../../application/index.js";

/** How long a background run may keep the event loop before it lets timers and requests in. */
const MAX_SLICE_MS = 20;

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The pace of one background run, and the switch that stops it. */
export class RunPace {
  private sliceStart = Date.now();
  private reason: string | null = null;

  /** Ends the run at its next store call. */
  stop(reason: string) {
    this.reason ??= reason;
  }

  /** Why the run was stopped, or null. */
  get stopped(): string | null {
    return this.reason;
  }

  /** Runs `call`, after a turn of the event loop when the slice is used up, unless stopped. */
  run<T, E>(call: () => ResultAsync<T, E | StoreError>): ResultAsync<T, E | StoreError> {
    if (this.reason !== null) return errAsync(storeUnavailable(this.reason));
    if (Date.now() - this.sliceStart < MAX_SLICE_MS) return call();
    return ResultAsync.fromSafePromise(nextTurn()).andThen(() => {
      this.sliceStart = Date.now();
      if (this.reason !== null) return errAsync(storeUnavailable(this.reason));
      return call();
    });
  }
}

/**
 * The unit of work a background job runs on. It hands the event loop back every few
 * milliseconds (an in-memory store answers in microtasks only, so that a run would otherwise
 * starve the HTTP server and the job's own progress timer), and once its pace is stopped it
 * answers every call with StoreUnavailable, which ends SynchronizeAllUsers at the next user.
 */
export class PacedUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly pace: RunPace,
  ) {}

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.pace.run(() => this.inner.transaction(locks, work));
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.pace.run(() => this.inner.read(work));
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.pace.run(() =>
      this.inner.discarding((uow) => work(new PacedUnitOfWork(uow, this.pace))),
    );
  }
}
