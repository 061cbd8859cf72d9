/** The part of fs-native-extensions civilink uses: advisory locks the kernel drops when the holder exits. */
declare module "fs-native-extensions" {
  /** An exclusive (or shared) lock on the open file `fd`; false when another open file holds one. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
}
