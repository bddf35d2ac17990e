/** Where a command writes; the real process streams, or a buffer in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A `netdicom` subcommand. `run` resolves with the process exit code. */
export interface Command {
  /** One line for `netdicom --help`. */
  readonly summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
