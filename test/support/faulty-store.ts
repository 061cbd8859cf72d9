import type { Result, ResultAsync } from "neverthrow";
import {
  type LockKeys,
  type StoreError,
  type StoreRuntime,
  type Stores,
  StoreUnavailableError,
  type SyncJobRepository,
  type UnitOfWork,
  type Work,
} from "../../src/index.js";
import { settle } from "../../src/infrastructure/persistence/store-runtime.js";

/** A repository call about to run, as fault injection sees it. */
export interface StoreCall {
  repository: keyof Stores;
  method: string;
  args: unknown[];
}

/** The error to reject a repository call with, or null to let it run. */
export type FailWhen = (call: StoreCall) => Error | null;

/** A promise to hold a repository call on until it settles, or null to let it run at once. */
export type HoldWhen = (call: StoreCall) => Promise<void> | null;

export interface FaultyStoreOptions {
  failWhen?: FailWhen | undefined;
  holdWhen?: HoldWhen | undefined;
}

/**
 * A store that can be made to fail, around any store: while `offline`, every call answers
 * StoreUnavailable, as when its database went away; `failWhen` rejects the repository calls
 * it picks, as a driver error would; `holdWhen` keeps the ones it picks waiting. Handed to
 * the container through `wrapStore`.
 */
export class FaultyStore implements StoreRuntime {
  /** Set to simulate a store that went away: every call then answers StoreUnavailable. */
  offline = false;
  readonly syncJobs: SyncJobRepository;
  private readonly work: FaultyUnitOfWork;

  constructor(
    readonly inner: StoreRuntime,
    options: FaultyStoreOptions = {},
  ) {
    const faults: Faults = {
      ensureOnline: () => {
        if (this.offline) throw new StoreUnavailableError("The store is offline.");
      },
      failWhen: options.failWhen ?? null,
      holdWhen: options.holdWhen ?? null,
    };
    this.work = new FaultyUnitOfWork(inner, faults);
    this.syncJobs = offlineAware(inner.syncJobs, faults);
  }

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.work.transaction(locks, work);
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.work.read(work);
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.work.discarding(work);
  }

  prepare(): ResultAsync<void, StoreError> {
    return this.work.online(() => this.inner.prepare());
  }

  async ping(): Promise<boolean> {
    return !this.offline && (await this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Faults {
  /** Throws StoreUnavailableError while the store is offline. */
  ensureOnline(): void;
  failWhen: FailWhen | null;
  holdWhen: HoldWhen | null;
}

/** A unit of work whose repositories go through the faults, a dry run's as well. */
class FaultyUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly faults: Faults,
  ) {}

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.online(() => this.inner.transaction(locks, (stores) => work(this.guarded(stores))));
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.online(() => this.inner.read((stores) => work(this.guarded(stores))));
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.online(() =>
      this.inner.discarding((uow) => work(new FaultyUnitOfWork(uow, this.faults))),
    );
  }

  /** Runs `call` unless the store is offline; StoreUnavailable then, never a rejection. */
  online<T, E>(call: () => ResultAsync<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      this.faults.ensureOnline();
      return call();
    });
  }

  private guarded(stores: Stores): Stores {
    const guarded: Partial<Record<keyof Stores, unknown>> = {};
    for (const name of Object.keys(stores) as (keyof Stores)[]) {
      const repository = stores[name];
      if (repository) guarded[name] = this.guardedRepository(name, repository);
    }
    return guarded as Stores;
  }

  /** Every method of the repository checks the offline switch, asks `failWhen`, then `holdWhen`. */
  private guardedRepository<R extends object>(repository: keyof Stores, target: R): R {
    return new Proxy(target, {
      get: (object, property, receiver) => {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          this.faults.ensureOnline();
          const call = { repository, method: String(property), args };
          const fault = this.faults.failWhen?.(call);
          if (fault) throw fault;
          await this.faults.holdWhen?.(call);
          return value.apply(object, args);
        };
      },
    });
  }
}

/** The sync jobs, answering StoreUnavailable while the store is offline. */
function offlineAware(jobs: SyncJobRepository, faults: Faults): SyncJobRepository {
  return new Proxy(jobs, {
    get: (object, property, receiver) => {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        settle(async () => {
          faults.ensureOnline();
          return value.apply(object, args);
        });
    },
  });
}
