import type { ServiceIdentifier } from "inversify";

/** A service identifier that remembers the type it resolves to. */
export type Token<T> = ServiceIdentifier<T> & { readonly __type?: T };

declare const slotType: unique symbol;

/** A name the table knows from the start: an adapter, which the composition root binds. */
export interface Slot<T> {
  readonly [slotType]?: T;
}

/** Declares an adapter of type `T` (the value only carries the type). */
export const adapter = <T>(): Slot<T> => ({});

/** One entry: its name, the names it needs, the class built from them, whether callers see it. */
export interface WiringEntry {
  readonly name: string;
  readonly needs: readonly string[];
  readonly build: new (...needs: never[]) => unknown;
  readonly exposed: boolean;
}

/** The container's token of a name: `civilink.` and the name with a capital. */
export const tokenOf = (name: string): Token<unknown> =>
  Symbol.for(`civilink.${capitalized(name)}`);

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

type None = Record<never, never>;

type Flat<T> = { [Name in keyof T]: T[Name] };

type Constructor = abstract new (...args: never[]) => unknown;

type SlotsOf<Adapters> = {
  [Name in keyof Adapters]: Adapters[Name] extends Slot<infer T> ? T : never;
};

/** Each need named, as the value it resolves to. */
type Resolved<Needs extends readonly PropertyKey[], Known> = {
  -readonly [Index in keyof Needs]: Known[Needs[Index] & keyof Known];
};

/** A class built from the needs listed, in their order and of their types. */
type Builder<Needs extends readonly PropertyKey[], Known> = new (
  ...needs: Resolved<Needs, Known>
) => unknown;

/** Refuses a class that takes fewer arguments than the needs listed. */
type NoneTooMany<
  Needs extends readonly unknown[],
  Build extends Constructor,
> = Needs["length"] extends ConstructorParameters<Build>["length"]
  ? unknown
  : { error: "the class takes fewer arguments than the needs listed" };

type Fresh<Name extends string, Known> = Name extends keyof Known ? never : Name;

type Entry<Name extends string, Build extends Constructor> = {
  [N in Name]: InstanceType<Build>;
};

/** Every name's token, under the name with a capital (`linkOnLogin` → `LinkOnLogin`). */
export type TokensOf<Known> = Flat<{
  [Name in keyof Known & string as Capitalize<Name>]: Token<Known[Name]>;
}>;

/** The adapters a table was declared over, each as the value it stands for. */
export type AdaptersOf<Table> =
  Table extends WiringTable<infer Adapters, unknown, unknown> ? Adapters : never;

/** What a table's entries that callers see resolve to, by name. */
export type ExposedOf<Table> =
  Table extends WiringTable<unknown, unknown, infer Exposed> ? Flat<Exposed> : never;

/**
 * The wiring of the use cases as a table, one line each: what it is called, what it needs
 * (adapters, or entries above it) and the class built from them. The needs are checked
 * against the class's constructor (their order, their types, their number), and a name is
 * taken once only. `Known` is every name so far (`Adapters`' first) with what it resolves
 * to; `Exposed` the entries callers see.
 */
export class WiringTable<Adapters, Known, Exposed> {
  private constructor(
    readonly adapters: readonly string[],
    readonly entries: readonly WiringEntry[],
  ) {}

  /** A table over these adapters (see `adapter`). */
  static over<const Slots extends Record<string, Slot<unknown>>>(
    adapters: Slots,
  ): WiringTable<SlotsOf<Slots>, SlotsOf<Slots>, None> {
    return new WiringTable(Object.keys(adapters), []);
  }

  /** A use case callers see, under its library name. */
  useCase<
    const Name extends string,
    const Needs extends readonly (keyof Known & string)[],
    Build extends Builder<Needs, Known>,
  >(
    name: Fresh<Name, Known>,
    needs: Needs,
    build: Build & NoneTooMany<Needs, Build>,
  ): WiringTable<Adapters, Known & Entry<Name, Build>, Exposed & Entry<Name, Build>> {
    return this.with({ name, needs, build, exposed: true });
  }

  /** A use case that other entries need, which callers do not see. */
  shared<
    const Name extends string,
    const Needs extends readonly (keyof Known & string)[],
    Build extends Builder<Needs, Known>,
  >(
    name: Fresh<Name, Known>,
    needs: Needs,
    build: Build & NoneTooMany<Needs, Build>,
  ): WiringTable<Adapters, Known & Entry<Name, Build>, Exposed> {
    return this.with({ name, needs, build, exposed: false });
  }

  tokens(): TokensOf<Known> {
    const names = [...this.adapters, ...this.entries.map((entry) => entry.name)];
    return Object.fromEntries(
      names.map((name) => [capitalized(name), tokenOf(name)]),
    ) as TokensOf<Known>;
  }

  private with<K, E>(entry: WiringEntry): WiringTable<Adapters, K, E> {
    return new WiringTable(this.adapters, [...this.entries, entry]);
  }
}
