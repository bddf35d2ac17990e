/**
 * The base of every error netdicom throws. `code` is stable across versions and safe to
 * switch on; the message is for people.
 */
export class NetdicomError extends Error {
  override readonly name: string = "NetdicomError";
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A read past the end of a buffer. Decoders catch it and rethrow their own typed error. */
export class OutOfBoundsError extends NetdicomError {
  override readonly name = "OutOfBoundsError";
  constructor(
    readonly offset: number,
    readonly wanted: number,
    readonly available: number,
  ) {
    super("ERR_OUT_OF_BOUNDS", `wanted ${wanted} bytes at byte ${offset} but only ${available} remain`);
  }
}
