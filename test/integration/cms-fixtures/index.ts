export * as backdrop from "./backdrop.js";
export * as drupal from "./drupal.js";
export * as drupal7 from "./drupal7.js";
export * as joomla from "./joomla.js";
export type { SqlStatement } from "./sql.js";
export * as wordpress from "./wordpress.js";
