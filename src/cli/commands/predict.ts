import { stat, writeFile } from 'node:fs/promises';
import { formatPredictCsv, predictFiles } from '../../index.js';
import { parse } from '../args.js';
import { UsageError } from '../../core/errors.js';
import type { Command } from './index.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'score image files and folders (or a table run\'s CSV rows) with a run\'s model and transform',
  help: `Usage: assay predict RUN PATH... [--out FILE.csv] [--runs-dir DIR]
       assay predict RUN TABLE.csv [--out FILE.csv] [--runs-dir DIR]

Scores each image file (folders are walked recursively, in sorted order, for .jpg, .jpeg, .png
and .webp) with RUN's stored transform and model, exactly as the run scored its hold-out, and
writes CSV: path,probability,prediction,error (probability of the positive class; the class
at the run's threshold). For a multi-class run (no positive class) the prediction is the most
probable class, probability is its probability, and one column per class follows:
probability[<class>]. A file that cannot be read gets a row with "error" filled and the rest
go on; the exit code is then 1.

A run trained on table rows (source: csv without an image column) scores the rows of one CSV
file instead: it must have the run's feature columns (other columns are ignored); each row's
path is FILE:LINE. A missing cell (empty, NA, NaN) is filled as the run's impute steps fill it;
in a column the run does not impute, or a value that is not a number in a numeric column, it gives
that row an error naming its line and column; a category the run never saw is coded all-zero and
counted in a warning per column; a missing column is an error (exit 2). A run on mixed data (an
image column and feature columns) scores one CSV the same way, and also needs the image column:
each row's image path is relative to the CSV file and must stay inside its folder; a missing or
unreadable image gives that row an error naming its line and column.

Options:
  --out FILE         write the CSV to FILE (default: stdout); progress goes to stderr
  --runs-dir DIR     folder of run folders (default: ./runs)

Only regular files are read, at most ASSAY_MAX_FILE_BYTES bytes each (default 64m); a FIFO, a
device or a larger file gets an error row. Cells that a spreadsheet would run as a formula
(starting with =, +, -, @) are written with a leading '.
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { out: { type: 'string' }, 'runs-dir': { type: 'string' } }, { positionals: [2, Infinity] });
    // NOTE: an --out that cannot be written is refused before anything is scored.
    if (values.out !== undefined && (await stat(values.out).catch(() => null))?.isDirectory()) throw new UsageError(`--out ${values.out} is a folder; give a file name`);
    const tty = process.stderr.isTTY;
    const result = await predictFiles({
      ref: positionals[0]!, paths: positionals.slice(1), runsDir: values['runs-dir'],
      onProgress: (done, total) => process.stderr.write(tty ? `\r\x1b[2K  predict ${done}/${total}` : done === total ? `  predict ${done}/${total}\n` : ''),
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    if (result.conversion !== null) process.stderr.write(`note: ${result.conversion}\n`);
    const csv = formatPredictCsv(result.rows, result.positive === null ? result.classes : undefined);
    if (values.out) await writeFile(values.out, csv);
    else process.stdout.write(csv);
    process.stderr.write(`${result.rows.length - result.failed} scored with run ${result.run.id} (${result.backend}, ${result.positive === null ? `arg-max over ${result.classes.length} classes` : `threshold ${result.threshold.toFixed(3)}`})${result.failed ? `, ${result.failed} failed` : ''}${values.out ? ` -> ${values.out}` : ''}\n`);
    return result.failed > 0 ? 1 : 0;
  },
};
