import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { basename, join } from "node:path";
import { tryLock, unlock } from "fs-native-extensions";
import { StoreUnavailableError } from "../../../application/ports/index.js";

/** The file, inside the embedded store's directory, whose lock makes a process its owner. */
export const OWNER_FILE = "civilink-owner.lock";

/** Who owns an embedded store, as its owner wrote it into the owner file. */
export interface StoreOwner {
  pid: number;
  command: string;
  since: string;
}

/** The process that owns an embedded store until it releases it or exits. */
export interface StoreOwnership {
  /** Takes the group and other bits off every file in the directory (PGlite makes them 0666). */
  makeContentsPrivate(): void;
  release(): void;
}

/**
 * A second process asked for an embedded store that a live process owns. PGlite is one
 * process's database: two processes writing the same files lose each other's writes.
 */
export class EmbeddedStoreInUseError extends StoreUnavailableError {
  constructor(
    readonly directory: string,
    readonly owner: StoreOwner | null,
  ) {
    super(
      `the embedded store in ${directory} is in use by ${describeOwner(owner)}: stop that process, ` +
        "or send the work to its HTTP API (for example POST /v1/domains/1/sync or " +
        "POST /v1/domains/1/users/import), or set DATABASE_URL to a PostgreSQL database to run " +
        "several processes at once.",
    );
  }
}

function describeOwner(owner: StoreOwner | null): string {
  if (!owner) return "another process";
  return `process ${owner.pid} (${owner.command}, since ${owner.since})`;
}

const PRIVATE_DIRECTORY = 0o700;
const PRIVATE_FILE = 0o600;
const MAX_COMMAND_LENGTH = 200;

/**
 * Makes this process the owner of the embedded store in `directory` (created private when
 * missing), or throws `EmbeddedStoreInUseError` at once when another open file holds it, in this
 * process or another. The lock is an open-file-description lock held by the kernel: it goes
 * with the process however it ends (SIGKILL, a crash), so a killed owner never blocks the next
 * start, and no stale lock file needs to be told apart from a live one.
 */
export function takeOwnership(directory: string): StoreOwnership {
  mkdirSync(directory, { recursive: true, mode: PRIVATE_DIRECTORY });
  chmodSync(directory, PRIVATE_DIRECTORY);
  const path = join(directory, OWNER_FILE);
  const fd = openSync(path, "a+", PRIVATE_FILE);
  let locked = false;
  try {
    locked = tryLock(fd);
  } finally {
    if (!locked) closeSync(fd);
  }
  if (!locked) throw new EmbeddedStoreInUseError(directory, ownerIn(path));
  makeContentsPrivate(directory);
  ftruncateSync(fd, 0);
  writeSync(fd, JSON.stringify(thisProcess()), 0);
  let released = false;
  return {
    makeContentsPrivate: () => makeContentsPrivate(directory),
    release() {
      if (released) return;
      released = true;
      unlock(fd);
      closeSync(fd);
    },
  };
}

/**
 * Everything in the directory readable by its owner only. PGlite creates its files
 * world-readable whatever the umask: the private directory keeps other users from reaching
 * them, and the files already there lose their group and other bits.
 */
function makeContentsPrivate(directory: string) {
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) chmodSync(path, PRIVATE_DIRECTORY);
    else if (entry.isFile()) chmodSync(path, PRIVATE_FILE);
  }
}

function thisProcess(): StoreOwner {
  const [runtime = "node", ...rest] = process.argv;
  const command = [basename(runtime), ...rest].join(" ");
  return {
    pid: process.pid,
    command:
      command.length > MAX_COMMAND_LENGTH ? `${command.slice(0, MAX_COMMAND_LENGTH)}…` : command,
    since: new Date().toISOString(),
  };
}

/** The owner as it wrote itself down; null while it has not yet, or for an unreadable file. */
function ownerIn(path: string): StoreOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<StoreOwner>;
    if (typeof owner.pid !== "number" || typeof owner.command !== "string") return null;
    return { pid: owner.pid, command: owner.command, since: String(owner.since) };
  } catch {
    return null;
  }
}
