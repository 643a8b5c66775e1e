/** The command table: name -> {summary, help, run}. */
import { validateCommand } from './validate.js';
import { runCommand } from './run.js';
import { runsCommand, showCommand } from './runs.js';
import { explainCommand } from './explain.js';
import { cacheCommand } from './cache.js';
import { doctorCommand } from './doctor.js';
import { synthCommand } from './synth.js';
import { diffCommand } from './diff.js';
import { rerunCommand } from './rerun.js';
import { predictCommand } from './predict.js';
import { uiCommand } from './ui.js';
import { workerCommand } from './worker.js';
import { schemaCommand } from './schema.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(argv: readonly string[]): Promise<number>;
}

export const COMMANDS: Readonly<Record<string, Command>> = Object.fromEntries(
  [validateCommand, runCommand, runsCommand, showCommand, explainCommand, cacheCommand, doctorCommand, synthCommand, diffCommand, rerunCommand, predictCommand, workerCommand, uiCommand, schemaCommand].map((c) => [c.name, c]),
);
