/** The shape of a CLI command. */

export interface Command {
  readonly name: string;
  /** One line for `vigil --help`. */
  readonly summary: string;
  /** The full help text of `vigil <name> --help`. */
  readonly usage: string;
  /** Runs the command; returns the exit status. Throws CliError for bad input or usage. */
  run(args: readonly string[]): Promise<number>;
}

/** Writes to standard output. */
export function out(text: string): void {
  process.stdout.write(text);
}
