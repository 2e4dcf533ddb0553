/** How the CLI fails: a message for the person and an exit status, never a stack trace. */

/** Exit status 1: bad input (a file, a line, a field). */
export const EXIT_BAD_INPUT = 1;
/** Exit status 2: wrong usage (unknown command or option, missing argument). */
export const EXIT_USAGE = 2;

/** A failure the CLI reports as a plain message with an exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_BAD_INPUT,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error: exit status 2, with a pointer to the command's help. */
export function usageError(message: string, command?: string): CliError {
  const help = command === undefined ? 'vigil --help' : `vigil ${command} --help`;
  return new CliError(`${message}\nSee '${help}'.`, EXIT_USAGE);
}
