import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The `@example` blocks of the doc comments are compiled, so they cannot drift from the API they
 * show. Each block becomes a module that imports what it imports (`sessionsentry`, `sessionsentry/…`
 * mapped to the entry sources) and, besides, every export of its own file and of the entries.
 * Examples use variables of their surroundings (`log`, `booster`, `frame`), so diagnostics about
 * names that are not declared, and the implicit `any` that follows from them, are not errors here;
 * everything else is: a wrong argument count or type, an unknown option or property, a syntax error.
 * The CLI's comments (src/cli) describe internals and are left out. The TypeScript blocks of the
 * README and docs/*.md are compiled the same way.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES: Readonly<Record<string, string>> = {
  sessionsentry: 'src/index.ts',
  'sessionsentry/model': 'src/model/index.ts',
  'sessionsentry/serve': 'src/serve/index.ts',
  'sessionsentry/live': 'src/live/index.ts',
  'sessionsentry/sagemaker': 'src/sagemaker/index.ts',
  'sessionsentry/danfo': 'src/danfo/index.ts',
  'sessionsentry/tune': 'src/tune/index.ts',
  'sessionsentry/synth': 'src/synth/index.ts',
};
/**
 * Undeclared names (2304, 2552, 18004 for `{ x }`), the implicit any that follows (7005, 7006, 7031, 7034), clashes
 * with the preamble (2300, 2440, 2451).
 */
const CONTEXT_DIAGNOSTICS = new Set([2304, 2552, 18004, 7005, 7006, 7031, 7034, 2300, 2440, 2451]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'cli' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The names a file exports, read from its declarations and export lists (no type-checking needed). */
function exportedNames(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(
    /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm,
  ))
    names.add(m[1]!);
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const item of m[1]!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  }
  return [...names];
}

interface Example {
  readonly where: string;
  readonly module: string;
}

function examples(): Map<string, Example> {
  const entryExports = Object.values(ENTRIES).map((entry) => ({
    file: path.join(repoRoot, entry),
    names: exportedNames(path.join(repoRoot, entry)),
  }));
  const out = new Map<string, Example>();
  let n = 0;
  for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const own = { file, names: exportedNames(file) };
    for (const m of text.matchAll(
      /@example[^\n]*\n(?:[ \t]*\*[^\n]*\n)*?[ \t]*\*[ \t]*```(?:ts|typescript)[ \t]*\n((?:[ \t]*\*[^\n]*\n)*?)[ \t]*\*[ \t]*```/g,
    )) {
      const lines = m[1]!.split('\n').map((l) => l.replace(/^[ \t]*\* ?/, ''));
      const imports: string[] = [];
      const code: string[] = [];
      const taken = new Set<string>();
      for (const line of lines) {
        const im = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';?\s*$/.exec(line);
        if (im) {
          for (const item of im[2]!.split(','))
            taken.add(
              item
                .trim()
                .replace(/^type\s+/, '')
                .split(/\s+as\s+/)
                .pop()!,
            );
          const entry = ENTRIES[im[3]!];
          imports.push(`import ${im[1] ?? ''}{${im[2]}} from '${entry ? path.join(repoRoot, entry) : im[3]}';`);
        } else if (/^import\s/.test(line)) imports.push(line);
        else code.push(line);
      }
      const preamble: string[] = [];
      for (const { file: from, names } of [own, ...entryExports]) {
        const fresh = names.filter((name) => !taken.has(name));
        fresh.forEach((name) => taken.add(name));
        if (fresh.length > 0) preamble.push(`import { ${fresh.join(', ')} } from '${from}';`);
      }
      const name = path.join(repoRoot, 'src', `__example_${n++}.ts`);
      out.set(name, {
        where: `${path.relative(repoRoot, file)}:${text.slice(0, m.index).split('\n').length}`,
        module: `${imports.join('\n')}\n${preamble.join('\n')}\n${code.join('\n')}\nexport {};\n`,
      });
    }
  }
  // The TypeScript blocks of the README and the guides, with the entries' exports in scope.
  for (const doc of [
    'README.md',
    ...readdirSync(path.join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]) {
    const text = readFileSync(path.join(repoRoot, doc), 'utf8');
    for (const m of text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```/gm)) {
      const imports: string[] = [];
      const code: string[] = [];
      const taken = new Set<string>();
      for (const line of m[1]!.split('\n')) {
        const im = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';?\s*$/.exec(line);
        if (im) {
          for (const item of im[2]!.split(','))
            taken.add(
              item
                .trim()
                .replace(/^type\s+/, '')
                .split(/\s+as\s+/)
                .pop()!,
            );
          const entry = ENTRIES[im[3]!];
          imports.push(`import ${im[1] ?? ''}{${im[2]}} from '${entry ? path.join(repoRoot, entry) : im[3]}';`);
        } else code.push(line);
      }
      const preamble: string[] = [];
      for (const { file: from, names } of entryExports) {
        const fresh = names.filter((name) => !taken.has(name));
        fresh.forEach((name) => taken.add(name));
        if (fresh.length > 0) preamble.push(`import { ${fresh.join(', ')} } from '${from}';`);
      }
      out.set(path.join(repoRoot, 'src', `__example_${n++}.ts`), {
        where: `${doc}:${text.slice(0, m.index).split('\n').length}`,
        module: `${imports.join('\n')}\n${preamble.join('\n')}\n${code.join('\n')}\nexport {};\n`,
      });
    }
  }
  return out;
}

describe('the @example blocks of the doc comments and the code of the guides', () => {
  it('compile against the current API (undeclared surrounding variables aside)', () => {
    const blocks = examples();
    expect(blocks.size).toBeGreaterThan(400);
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      allowImportingTsExtensions: true,
      // A dynamic `import('sessionsentry')` or a multi-line import reaches the sources too, built or not.
      paths: Object.fromEntries(
        Object.entries(ENTRIES).map(([specifier, entry]) => [specifier, [path.join(repoRoot, entry)]]),
      ),
    };
    const host = ts.createCompilerHost(options);
    const { readFile, fileExists, getSourceFile } = host;
    host.readFile = (f) => blocks.get(f)?.module ?? readFile.call(host, f);
    host.fileExists = (f) => blocks.has(f) || fileExists.call(host, f);
    host.getSourceFile = (f, version, ...rest) => {
      const block = blocks.get(f);
      return block ? ts.createSourceFile(f, block.module, version) : getSourceFile.call(host, f, version, ...rest);
    };
    const program = ts.createProgram([...blocks.keys()], options, host);
    const problems: string[] = [];
    for (const [name, { where }] of blocks) {
      const sourceFile = program.getSourceFile(name)!;
      for (const d of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
        if (!CONTEXT_DIAGNOSTICS.has(d.code))
          problems.push(`${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
