/** The error taxonomy, rendered in one place (cli.ts): what the operator can fix, and what is our bug. */

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad input the operator can fix: a flag, a variable, a runbook. Exit 2, no stack trace. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    message: string,
    /** What to do next, one line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** Problems already printed line by line (runbook validation); only the exit code is left to give. */
export class ReportedError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = "ReportedError";
  }
}

export function renderError(error: unknown): { text: string; exitCode: number } {
  if (error instanceof ReportedError) return { text: "", exitCode: error.exitCode };
  if (error instanceof UsageError) {
    return { text: `handrail: ${error.message}${error.hint ? `\n  ${error.hint}` : ""}`, exitCode: error.exitCode };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    text: `handrail: internal error (this is a bug in handrail, please report it): ${err.message}\n${err.stack ?? ""}`,
    exitCode: EXIT.failed,
  };
}
