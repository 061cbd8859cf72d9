import type { Clock } from "../../application/index.js";

/** The time of day of the machine. */
export const systemClock: Clock = { now: () => new Date() };
