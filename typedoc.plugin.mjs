// @ts-check
/**
 * Groups the API reference by the sections of each entry file: a `// --- Name ---` line in
 * src/index.ts (or a subpath's index.ts) puts the names exported below it in the category `Name`,
 * in the order the file lists them (the order of docs/concepts.md for the root entry). TypeDoc
 * reads `@category` only from declarations, and the entries re-export declarations spread over
 * many files, so the sections of the entry files are the one place categories are written down.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/**
 * The categories of one entry file: exported name → section name, and the sections in order, with
 * the module name its `@module` tag gives (the name of its page in the reference).
 * @param {string} file
 */
export function entryCategories(file) {
  const text = readFileSync(file, 'utf8');
  const moduleName = /@module\s+(\S+)/.exec(text)?.[1];
  if (moduleName === undefined) throw new Error(`${file}: an entry file needs a @module tag`);
  /** @type {Map<string, string>} */
  const byName = new Map();
  /** @type {string[]} */
  const order = [];
  let section = '';
  for (const match of text.matchAll(/^\/\/ --- (.+?) ---$|^export (?:type )?\{([^}]*)\}/gm)) {
    if (match[1] !== undefined) {
      section = match[1];
      order.push(section);
      continue;
    }
    for (const item of (match[2] ?? '').split(',')) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name && section) byName.set(name, section);
    }
  }
  return { byName, order, moduleName };
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const entryPoints = /** @type {string[]} */ (app.options.getValue('entryPoints'));
      /** @type {string[]} */
      const order = [];
      /** @type {Map<string, Map<string, string>>} */
      const byModule = new Map();
      for (const entry of entryPoints) {
        const { byName, order: sections, moduleName } = entryCategories(path.resolve(entry));
        for (const s of sections) if (!order.includes(s)) order.push(s);
        byModule.set(moduleName, byName);
      }
      // Modules are matched by name, not by source file: the reference records no sources (typedoc.json).
      for (const mod of context.project.getReflectionsByKind(ReflectionKind.SomeModule)) {
        const byName = byModule.get(mod.name);
        if (!byName || !('children' in mod)) continue;
        for (const child of /** @type {import('typedoc').DeclarationReflection} */ (mod).children ?? []) {
          const category = byName.get(child.name);
          if (!category) continue;
          child.comment ??= new Comment();
          child.comment.blockTags = child.comment.blockTags.filter((tag) => tag.tag !== '@category');
          child.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]));
        }
      }
      const current = /** @type {string[]} */ (app.options.getValue('categoryOrder'));
      if (current.length === 0) app.options.setValue('categoryOrder', [...order, '*']);
    },
    100,
  );
}
