// The composition root as the driving interfaces see it: the one module of src/infrastructure
// that src/interfaces may import (.dependency-cruiser.cjs). The wiring behind it, the adapters
// and the configuration's parsing stay free to change.
export { type Config, type HttpBounds, loadConfig } from "../config/config.js";
export type { StoreRuntime } from "../persistence/store-runtime.js";
export { buildContainer } from "./composition-root.js";
export { TOKENS } from "./tokens.js";
export { resolveUseCases, type UseCases } from "./use-cases.js";
