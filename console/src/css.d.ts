// The style sheet is imported for the bundler, which emits it beside the script.
declare module "*.css";
