import { Command, CommanderError, Option } from 'commander';
import {
  ACTIVE_RULES,
  CONFIDENCES,
  SEVERITIES,
  analyzeText,
  ruleMatchesCode,
  type Confidence,
  type RuleSelection,
  type Severity,
} from '../engine';
import { formatJson, formatSarif, formatText, type FileFindings, type FileProblem } from '../engine/report/formats';
import { renderReview } from '../engine/report/review';
import { ConfigResolver, type ProjectConfig } from '../host/config';
import { displayPath, findPythonFiles, readPythonSource } from '../host/files';
import { loadPythonParser } from '../host/grammar';
import { version } from '../version';

/**
 * `vigil check PATH...` for CI and `vigil review FILE` for people. Exit codes: 0 no findings, 1 findings,
 * 2 usage or I/O errors (after every readable file has been analysed).
 */

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_ERROR = 2;

class UsageError extends Error {}

function codeList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((code) => code.trim()).filter(Boolean)];
}

function checkCodes(codes: readonly string[] | undefined, option: string): void {
  for (const code of codes ?? []) {
    if (!ACTIVE_RULES.some((rule) => ruleMatchesCode(rule.meta, code))) {
      throw new UsageError(`${option} ${code}: no rule has this ID, name, Bandit or Ruff code (see \`vigil rules\`)`);
    }
  }
}

interface CheckOptions {
  format: 'text' | 'json' | 'sarif';
  gitignore: boolean;
  select?: string[];
  ignore?: string[];
  minSeverity?: Severity;
  minConfidence?: Confidence;
}

/** The selection for one file: the command line wins over the project configuration; ignores add up. */
function selectionFor(file: string, config: ProjectConfig | undefined, options: CheckOptions): RuleSelection {
  const select = options.select ?? config?.select;
  const ignore = [...(config?.ignore ?? []), ...(config?.ignoredFor(file) ?? []), ...(options.ignore ?? [])];
  const minSeverity = options.minSeverity ?? config?.minSeverity;
  const minConfidence = options.minConfidence ?? config?.minConfidence;
  return {
    ...(select ? { select } : {}),
    ...(ignore.length > 0 ? { ignore } : {}),
    ...(minSeverity ? { minSeverity } : {}),
    ...(minConfidence ? { minConfidence } : {}),
  };
}

async function check(paths: string[], options: CheckOptions): Promise<number> {
  checkCodes(options.select, '--select');
  checkCodes(options.ignore, '--ignore');
  const configs = new ConfigResolver();
  const configFor = (file: string): ProjectConfig | undefined => {
    try {
      return configs.configFor(file);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const { files, missing } = findPythonFiles(paths, {
    isExcluded: (path) => configFor(path)?.isExcluded(path) ?? false,
    gitignore: options.gitignore,
  });
  const problems: FileProblem[] = [];
  const warned = new Set<ProjectConfig>();
  let ioError = false;
  for (const path of missing) {
    problems.push({ path: displayPath(path), message: 'no such file or directory, or not readable' });
    ioError = true;
  }
  const parser = await loadPythonParser();
  const results: FileFindings[] = [];
  for (const path of files) {
    const shown = displayPath(path);
    const config = configFor(path);
    if (config && !warned.has(config)) {
      warned.add(config);
      for (const warning of config.warnings) process.stderr.write(`vigil: warning: ${warning}\n`);
    }
    const read = readPythonSource(path);
    if ('error' in read) {
      problems.push({ path: shown, message: read.error });
      ioError ||= read.fatal;
      continue;
    }
    const result = analyzeText(parser, read.text, selectionFor(path, config, options));
    for (const error of result.ruleErrors) {
      problems.push({ path: shown, message: `rule ${error.ruleId} failed near line ${error.line + 1}: ${error.message}` });
    }
    results.push({ path: shown, findings: result.findings });
  }
  for (const problem of problems) process.stderr.write(`vigil: ${problem.path}: ${problem.message}\n`);
  const output =
    options.format === 'json'
      ? formatJson(results, problems, version)
      : options.format === 'sarif'
        ? formatSarif(results, problems, version)
        : formatText(results);
  process.stdout.write(output);
  const count = results.reduce((sum, file) => sum + file.findings.length, 0);
  if (options.format === 'text') {
    process.stderr.write(`${count} finding${count === 1 ? '' : 's'} in ${results.length} file${results.length === 1 ? '' : 's'}.\n`);
  }
  if (ioError) return EXIT_ERROR;
  return count > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

async function review(path: string): Promise<number> {
  const read = readPythonSource(path);
  if ('error' in read) {
    process.stderr.write(`vigil: ${displayPath(path)}: ${read.error}\n`);
    return EXIT_ERROR;
  }
  const parser = await loadPythonParser();
  const result = analyzeText(parser, read.text, {});
  process.stdout.write(
    renderReview({
      displayPath: displayPath(path),
      text: read.text,
      lineIndex: result.lineIndex,
      findings: result.findings,
      hasSyntaxErrors: result.hasSyntaxErrors,
    }),
  );
  return EXIT_CLEAN;
}

function listRules(): number {
  for (const { meta } of ACTIVE_RULES) {
    const equivalents = [...meta.bandit, ...meta.ruff].join(' ');
    process.stdout.write(
      `${meta.id}  ${meta.name.padEnd(28)} ${meta.severity.padEnd(7)} CWE-${meta.cwe.join(',CWE-').padEnd(10)} ${equivalents}\n`,
    );
  }
  return EXIT_CLEAN;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_CLEAN;
  const program = new Command()
    .name('vigil')
    .description('Security review for Python: precise findings with CWE, explanation and fix.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('check')
    .description('analyse Python files and folders (recursively) and print the findings')
    .argument('<paths...>', 'files or folders')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--select <codes>', 'only these rules: IDs, prefixes, names, Bandit or Ruff codes (comma-separated)', codeList)
    .option('--ignore <codes>', 'skip these rules (same codes as --select)', codeList)
    .addOption(new Option('--min-severity <level>', 'hide findings below this severity').choices(SEVERITIES.slice(1)))
    .addOption(new Option('--min-confidence <level>', 'hide findings below this confidence').choices(CONFIDENCES))
    .option('--no-gitignore', 'also analyse files that .gitignore lists')
    .action(async (paths: string[], options: CheckOptions) => {
      exitCode = await check(paths, options);
    });

  program
    .command('review')
    .description('print the Markdown security review of one file')
    .argument('<file>', 'a Python file')
    .action(async (file: string) => {
      exitCode = await review(file);
    });

  program
    .command('rules')
    .description('list the rules with their severity, CWE and Bandit/Ruff equivalents')
    .action(() => {
      exitCode = listRules();
    });

  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_ERROR;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
        ? EXIT_CLEAN
        : EXIT_ERROR;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      return EXIT_ERROR;
    }
    process.stderr.write(`vigil: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_ERROR;
  }
  return exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vigil: internal error: ${String(error)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
