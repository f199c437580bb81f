import pc from 'picocolors';

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Writes a line to stdout. */
export function printLine(io: CliIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

/** Writes an error line to stderr, in red on a colour terminal. */
export function printError(io: CliIo, line: string): void {
  io.stderr.write(`${io.stderr.isTTY === true ? pc.red(line) : line}\n`);
}
