/**
 * The log's modules as plain JavaScript, for child processes (which run under bare node and
 * cannot load TypeScript). Transpiled once per test file into a temporary folder that links
 * the project's node_modules; imports already end in `.js`, so the tree runs as it is.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Transpiles src/log and src/core into a new temporary folder; returns it and its remover. */
export function compileLogForChildren(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-log-js-'));
  for (const folder of ['src/log', 'src/core']) {
    mkdirSync(join(dir, folder), { recursive: true });
    for (const name of readdirSync(join(root, folder))) {
      if (!name.endsWith('.ts')) continue;
      const output = ts.transpileModule(readFileSync(join(root, folder, name), 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      writeFileSync(join(dir, folder, name.replace(/\.ts$/, '.js')), output.outputText);
    }
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The child script that appends to a log (see its header for its arguments). */
export const APPEND_CHILD = join(root, 'test/log/fixtures/append-child.mjs');
