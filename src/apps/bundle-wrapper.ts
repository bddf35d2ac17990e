// How build/netdicom-cli.cjs wraps the apps' bundle: as one function expression, which the
// launcher compiles with node:vm and calls. scripts/bundle-cli.mjs writes the wrapper into the
// file itself, so the launcher compiles the file's text as read: concatenating it at start-up
// made V8 flatten a 1.2 MB string first (0.5 ms of every start).

/** The CommonJS wrapper's parameters, plus the two names the bundle uses for import.meta.url and import(). */
export const bundleHead =
  "(function (exports, require, module, __filename, __dirname, __netdicom_url, __netdicom_import) {";

/** Closes {@link bundleHead} (after a line break, so that a trailing line comment ends first). */
export const bundleTail = "\n})";
