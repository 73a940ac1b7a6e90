/**
 * Issue 10 item 3: the engine does not import the simulators. Whoever runs the engine on them
 * (the CLI, tests, benchmarks) starts them and hands the engine a config pointing at them; the
 * simulators' own folder and its entry point are the only source files that reach into it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const SIMULATORS = join(SRC, 'simulators');
/** Outside the engine: they start simulators for the engine they run. */
const ALLOWED = [SIMULATORS, join(SRC, 'cli')];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative module specifiers of `import … from`, `export … from` and `import(…)` in `text`. */
function relativeImports(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']*)'/g)].map((m) => m[1]!);
  return specifiers;
}

const inside = (path: string, folder: string) => !relative(folder, path).startsWith('..');

test('no source file outside src/simulators and src/cli imports src/simulators', () => {
  const arrows: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (ALLOWED.some((folder) => inside(file, folder))) continue;
    for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
      if (inside(resolve(dirname(file), specifier), SIMULATORS)) arrows.push(`${relative(SRC, file)} → ${specifier}`);
    }
  }
  assert.deepEqual(arrows, []);
});

test('the check sees an import into src/simulators when there is one', () => {
  const specifiers = relativeImports("import { startApnsSimulator } from '../simulators/apns/index.js';\nexport * from './x.js';");
  assert.deepEqual(specifiers, ['../simulators/apns/index.js', './x.js']);
  assert.ok(inside(resolve(join(SRC, 'embed'), specifiers[0]!), SIMULATORS));
});
