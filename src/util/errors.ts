/**
 * The base of every error netdicom throws. `code` is stable across versions and safe to
 * switch on; the message is for people.
 */
export class NetdicomError extends Error {
  /** "NetdicomError": the name of this error class. */
  override readonly name: string = "NetdicomError";
  constructor(
    /** A stable identifier of the situation (`ERR_…`), safe to switch on. */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A read past the end of a buffer. Decoders catch it and rethrow their own typed error. */
export class OutOfBoundsError extends NetdicomError {
  /** "OutOfBoundsError": the name of this error class. */
  override readonly name = "OutOfBoundsError";
  constructor(
    /** Where the read started. */
    readonly offset: number,
    /** How many bytes it needed. */
    readonly wanted: number,
    /** How many bytes were left. */
    readonly available: number,
  ) {
    super("ERR_OUT_OF_BOUNDS", `wanted ${wanted} bytes at byte ${offset} but only ${available} remain`);
  }
}
