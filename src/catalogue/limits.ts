/**
 * Limits on quantities that every entry point shares (the HTTP schemas, the catalogue importer), kept
 * out of any one of them so a script need not load the HTTP layer to respect them.
 */

/** Largest stock level or order count: far beyond any real shelf, and exact in Lua's doubles. */
export const MAX_COUNT = 1_000_000_000_000;
