/** The time of day, as the records say it: when a link was made, a job started or ended. */
export interface Clock {
  now(): Date;
}
