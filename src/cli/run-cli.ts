import { ExperimentConfigError } from '../experiment/experiment-errors.js';
import { ModelDirectoryError } from '../experiment/model-directory.js';
import { ParseError, SessionSentryError } from '../errors.js';
import { PACKAGE_VERSION } from '../package-info.js';
import { SourceReadError } from '../frame/text-source.js';
import { EXIT, InterruptedError, UsageError, type CliIO } from './cli-io.js';
import { commandHelp, parseCommandArgs, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { didYouMean } from './did-you-mean.js';

/**
 * The whole-program help: the command list.
 *
 * @example
 * ```ts
 * process.stdout.write(programHelp());
 * ```
 */
export function programHelp(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: sessionsentry <command> [options]',
    '',
    'Find attacker sessions in application event logs with supervised learning.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help (`sessionsentry <command> --help` for the options of a command)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted (Ctrl-C).',
    '',
  ].join('\n');
}

/**
 * Runs the `sessionsentry` command line and resolves to its exit code (0 ok, 1 failure, 2 usage, 130 interrupted).
 * Errors go to standard error: a file problem with its file, line and column (`ParseError`,
 * `ExperimentConfigError`), a usage problem with the command's usage line.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['demo', '--scale', '0.2'], processIO());
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIO,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(target ? commandHelp(target) : programHelp(commands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(
      `sessionsentry: unknown command ${JSON.stringify(name)}${didYouMean(
        name,
        commands.map((c) => c.name),
      )}\n\n${programHelp(commands)}`,
    );
    return EXIT.usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof InterruptedError) {
      io.stderr.write(`sessionsentry ${command.name}: ${err.message}\n`);
      return EXIT.interrupted;
    }
    if (err instanceof UsageError) {
      const message = err.message.startsWith(`${command.name}:`) ? err.message : `${command.name}: ${err.message}`;
      io.stderr.write(
        `sessionsentry ${message}\nUsage: ${command.usage}\nRun \`sessionsentry ${command.name} --help\` for ` +
          `details.\n`,
      );
      return EXIT.usage;
    }
    io.stderr.write(`sessionsentry ${command.name}: ${describeError(err)}\n`);
    return EXIT.failure;
  }
}

/** The package version the CLI reports (`package.json`'s). */
export const VERSION = PACKAGE_VERSION;

function describeError(err: unknown): string {
  if (err instanceof ParseError || err instanceof ExperimentConfigError || err instanceof ModelDirectoryError)
    return `error: ${err.message}`;
  // A file that cannot be read: its name and the problem, without the hint meant for library callers.
  if (err instanceof SourceReadError) return `error: ${err.file}: ${err.problem}`;
  if (err instanceof SessionSentryError) return `${err.name} [${err.code}]: ${err.message}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' ? err.message : (err.stack ?? err.message);
  }
  return String(err);
}
