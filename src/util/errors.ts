/**
 * User-facing errors. Library code throws these; only the CLI turns them into exit codes.
 * `where` names the file (and line or field) so a user can go straight to the problem.
 */
export class PimsimError extends Error {
  constructor(
    message: string,
    readonly where?: string,
    readonly exitCode: number = 1,
  ) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'PimsimError';
  }
}

/** Input that does not match what was expected (preset, trace line, program, CLI value). */
export class InputError extends PimsimError {}
