import { Container } from "inversify";
import type { Clock, CmsUserSources, IdGenerator } from "../../application/index.js";
import { type CmsKind, defaultDomain } from "../../domain/index.js";
import { SqlCmsUserSources } from "../cms-sources/sql-cms-user-sources.js";
import { MemoryStore } from "../persistence/memory/memory-store.js";
import type { PgliteConnection, PostgresConnection } from "../persistence/sql/sql-connection.js";
import { SqlStore } from "../persistence/sql/sql-store.js";
import type { StoreRuntime } from "../persistence/store-runtime.js";
import { InProcessSyncJobRunner } from "../runtime/in-process-sync-job-runner.js";
import { randomIds } from "../runtime/random-ids.js";
import { systemClock } from "../runtime/system-clock.js";
import { bindUseCases } from "./use-case-bindings.js";

export type StoreOptions =
  | {
      store: "memory";
      /**
       * The test seam: wraps the memory store before it is bound, as test/support/faulty-store.ts
       * does to make it go offline or fail chosen calls.
       */
      wrapStore?: (store: StoreRuntime) => StoreRuntime;
    }
  | ({ store: "pglite" } & Omit<PgliteConnection, "kind">)
  | ({ store: "postgres" } & Omit<PostgresConnection, "kind">);

export type ContainerOptions = StoreOptions & {
  /** CMS of domain 1, created at first start (default drupal). */
  cms?: CmsKind;
  clock?: Clock;
  /** Where new sync jobs' ids come from (default: random UUIDs). */
  ids?: IdGenerator;
  /** Where CMS users are read from (default: the CMSes' own databases, through knex). */
  cmsUserSources?: CmsUserSources;
  /** Users per sync batch (default `DEFAULT_SYNC_BATCH_SIZE`). */
  syncBatchSize?: number;
};

/** The one place where ports meet adapters; tests, the server and the CLI all build here. */
export function buildContainer(options: ContainerOptions): Container {
  const container = new Container();
  const { ids, syncBatchSize, ...storeOptions } = options;
  const clock = options.clock ?? systemClock;
  const store = openStore(storeOptions);
  bindUseCases(container, {
    store,
    unitOfWork: store,
    clock,
    ids: ids ?? randomIds,
    syncJobs: store.syncJobs,
    // One per container: it keeps the jobs it runs, for whenIdle() at shutdown.
    syncJobRunner: new InProcessSyncJobRunner(store, store.syncJobs, clock),
    cmsUserSources: options.cmsUserSources ?? new SqlCmsUserSources(),
    syncOptions: syncBatchSize === undefined ? {} : { batchSize: syncBatchSize },
  });
  return container;
}

function openStore(options: ContainerOptions): StoreRuntime {
  const domains = [defaultDomain(options.cms ?? "drupal")];
  switch (options.store) {
    case "memory": {
      const store = MemoryStore.create({ domains });
      return options.wrapStore?.(store) ?? store;
    }
    case "pglite": {
      const { store: _store, cms: _cms, clock: _clock, cmsUserSources: _, ...connection } = options;
      return SqlStore.open({ connection: { kind: "pglite", ...connection }, domains });
    }
    case "postgres": {
      const { store: _store, cms: _cms, clock: _clock, cmsUserSources: _, ...connection } = options;
      return SqlStore.open({ connection: { kind: "postgres", ...connection }, domains });
    }
    default:
      return options satisfies never;
  }
}
