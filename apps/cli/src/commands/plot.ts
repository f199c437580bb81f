import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { PLOT_FORMATS, plotWorkspace } from '@hearth/plot';
import type { PlotFile } from '@hearth/plot';
import { printError, printLine } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-code.js';
import type { ExitCodeValue } from '../exit-code.js';

/** Options of `hearth plot`. */
export interface PlotOptions {
  readonly out?: string;
  readonly format: string;
  readonly json?: boolean;
}

/** Why only SVG: said in the help and when another format is asked for. */
const FORMAT_NOTE = 'svg only: PNG needs a native canvas (node-canvas), which Hearth does not ship';

function plotFormat(value: string): string {
  if (!(PLOT_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not supported; ${FORMAT_NOTE}`);
  return value;
}

/** Prints the plots written, one line each: path, title and number of series. */
export function printPlots(io: CliIo, files: readonly PlotFile[]): void {
  for (const file of files) printLine(io, `plot     ${file.path}  (${file.title}, ${file.series.length} series)`);
}

/** Draws the learning curves of a run's workspace; prints the files written. */
export async function plot(workspace: string, options: PlotOptions, io: CliIo): Promise<ExitCodeValue> {
  const files = await plotWorkspace({ workspaceDir: workspace, format: options.format, ...(options.out === undefined ? {} : { outDir: options.out }) });
  if (options.json === true) printLine(io, JSON.stringify({ workspace, files }));
  else printPlots(io, files);
  if (files.length === 0) printError(io, `${workspace}: no round metrics and no streamed metrics to plot`);
  return ExitCode.OK;
}

/** Adds `plot <workspace>` to the program. */
export function registerPlot(program: Command, run: (action: () => Promise<ExitCodeValue>) => Promise<void>, io: CliIo): void {
  program
    .command('plot')
    .description(
      'draw the learning curves of a run: global metrics per round (metrics.json) and per-site training curves ' +
        '(server/metrics/<site>.jsonl), as SVG files',
    )
    .argument('<workspace>', 'workspace of a finished run (hearth simulate -w)')
    .option('-o, --out <dir>', 'where the plots go (default: <workspace>/plots)')
    .option('--format <format>', FORMAT_NOTE, plotFormat, 'svg')
    .option('--json', 'print the files written as JSON on stdout')
    .action((workspace: string, options: PlotOptions) => run(() => plot(workspace, options, io)));
}
