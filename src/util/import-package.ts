// Importing an optional package that netdicom does not depend on (dcmjs-codecs), by a specifier
// known only at run time. One function, so that the command-line bundle can replace it: the
// bundle runs as a node:vm script (to use V8's code cache, see src/apps/launcher.ts), where a
// bare import() has no module loader to call, and the launcher lends its own (its import()
// resolves from the same folder as the bundle).

/**
 * Imports `specifier` (a package name, or an absolute path or file: URL) as an ES module
 * namespace; rejects when it cannot be found or loaded.
 */
export function importPackage(specifier: string): Promise<unknown> {
  return import(specifier);
}
