/**
 * `vigil import` (and `validate`) on bad report files, run in-process: a lone surrogate and
 * bytes that are not UTF-8 are bad lines, named and skipped, never a failed batch or a lost
 * report; --strict finds repeated ids before writing anything; a CSV file whose header cannot
 * be read, or with a record too long to hold, is refused with exit status 1, naming the line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const problemFile = fileURLToPath(new URL('../../examples/southern-front/problem.yaml', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, capturing what it writes. */
async function vigil(...args: string[]): Promise<Run> {
  const run = { code: -1, stdout: '', stderr: '' };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((run.stdout += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((run.stderr += String(chunk)), true));
  try {
    run.code = await main(args);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return run;
}

let dir: string;
const importFile = (file: string, ...more: string[]) => vigil('import', '--problem', 'southern-front', '--reports', file, '--data', join(dir, 'data'), ...more);
/** How many events the store holds (the problem is one). */
async function events(): Promise<number> {
  const verified = await vigil('verify', '--data', join(dir, 'data'));
  return Number(/ok: ([\d,]+) events verified/.exec(verified.stdout)?.[1]?.replaceAll(',', ''));
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const report = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, indicator: 'fence-surveillance', observed: 'present', at: '2026-03-01T00:00:00Z', ...extra });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-import-input-'));
  expect((await vigil('problem', 'put', problemFile, '--data', join(dir, 'data'))).code).toBe(0);
});

describe('a lone surrogate in a report', () => {
  it('is a bad line for validate, and import skips it, naming the field, and keeps the rest of the batch', async () => {
    const path = file('surrogate.jsonl', [report('s1'), report('s2').replace(/}$/, ',"text":"\\ud800"}'), report('s3')].join('\n'));
    const validated = await vigil('validate', '--problem', problemFile, path);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain(`${path}: line 2: /text: must not contain a lone surrogate (not valid Unicode)`);

    const imported = await importFile(path);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('imported 2 reports');
    expect(imported.stdout).toContain('1 bad line skipped');
    expect(imported.stderr).toContain(`${path}: line 2: /text: must not contain a lone surrogate (not valid Unicode)`);
    expect(await events()).toBe(3);
  });
});

describe('bytes that are not UTF-8', () => {
  it('make a JSON line bad, named with its byte, instead of two ids becoming one', async () => {
    const path = file('latin1.jsonl', Buffer.concat([Buffer.from(report('u\xff1'), 'latin1'), Buffer.from('\n'), Buffer.from(report('u\xfe1'), 'latin1'), Buffer.from('\n' + report('u2') + '\n')]));
    const strict = await importFile(path, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('nothing was imported (--strict)');
    expect(await events()).toBe(1);

    const imported = await importFile(path);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 1 report into "southern-front", 2 bad lines skipped/);
    expect(imported.stderr).toContain(`${path}: line 1: not valid UTF-8 (byte 9 of the line is 0xFF)`);
    expect(imported.stderr).toContain(`${path}: line 2: not valid UTF-8 (byte 9 of the line is 0xFE)`);
  });

  it('make a CSV record bad, naming its field; the other records are imported, text decoded right', async () => {
    const header = 'id,indicator,observed,at,text\n';
    const path = file(
      'latin1.csv',
      Buffer.concat([
        Buffer.from('\ufeff' + header + 'c1,fence-surveillance,present,2026-03-01T00:00:00Z,caf\u00e9 \u2615\n'),
        Buffer.from('c2,fence-surveillance,present,2026-03-01T00:00:00Z,"caf\xe9\nau lait"\n', 'latin1'),
        Buffer.from('c3,fence-surveillance,absent,2026-03-01T01:00:00Z,\n'),
      ]),
    );
    const imported = await importFile(path);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 2 reports into "southern-front", 1 bad line skipped/);
    expect(imported.stderr).toContain(`${path}: line 4: field 5 (text) is not valid UTF-8 (it has the byte 0xE9)`);
    const exported = await vigil('export', '--data', join(dir, 'data'));
    expect(exported.stdout).toContain('"text":"caf\u00e9 \u2615"');
  });

  it('in a whole file read for validate or assess: the file and the line are named', async () => {
    const late = report('v3', { text: 'caf\xe9' });
    const path = file('latin1-late.jsonl', Buffer.concat([Buffer.from(report('v1') + '\n' + report('v2') + '\n'), Buffer.from(late, 'latin1')]));
    const validated = await vigil('validate', path);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain(`${path}: line 3: not valid UTF-8 (byte ${late.indexOf('\xe9') + 1} of the line is 0xE9)`);
    const assessed = await vigil('assess', '--problem', problemFile, '--reports', path);
    expect(assessed.code).toBe(1);
    expect(assessed.stderr).toContain(`${path}: line 3: not valid UTF-8`);
  });
});

describe('a report id the file repeats with other content', () => {
  /** 6,000 good lines (more than one batch of 5,000), then `extra`. */
  const longFile = (name: string, ...extra: string[]) =>
    file(name, [...Array.from({ length: 6000 }, (_, k) => report(`r${k + 1}`)), ...extra].join('\n') + '\n');

  it('refuses the file under --strict before anything is written', async () => {
    const path = longFile('repeat.jsonl', report('r10', { observed: 'absent' }));
    const strict = await importFile(path, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${path}: line 6001: report id "r10" repeats line 10 with different content`);
    expect(strict.stderr).toContain(`${path}: 1 bad line; nothing was imported (--strict)`);
    expect(await events()).toBe(1);
  });

  it('is a duplicate, not an error, when the content is the same (the validated report, however written)', async () => {
    const path = longFile('same.jsonl', report('r10', { received: '2026-03-01T00:00:00Z', credibility: 6 }));
    const strict = await importFile(path, '--strict');
    expect(strict.code).toBe(0);
    expect(strict.stdout).toMatch(/imported 6,000 reports into "southern-front", 1 already there/);
  });

  it('without --strict is a bad line, named, in the same batch or a later one; the rest is imported', async () => {
    const path = longFile('repeats.jsonl', report('r10', { observed: 'absent' }), report('r5999', { observed: 'absent' }), report('r6001'));
    const imported = await importFile(path);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 6,001 reports into "southern-front", 2 bad lines skipped/);
    expect(imported.stderr).toContain(`${path}: line 6001: report id "r10" is already stored with different content`);
    expect(imported.stderr).toContain(`${path}: line 6002: report id "r5999" repeats line 5999 with different content`);
    expect(await events()).toBe(6002);
  });
});

describe('a CSV file that cannot be read', () => {
  it('refuses a bad header with exit status 1, naming the column, whether or not --strict', async () => {
    const path = file('header.csv', 'id,indicator,observed,at,Source\nc1,fence-surveillance,present,2026-03-01T00:00:00Z,x\n');
    for (const strict of [[], ['--strict']]) {
      const imported = await importFile(path, ...strict);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toContain(`${path}: line 1: bad header: unknown column "Source"`);
      expect(imported.stdout).toBe('');
    }
    expect(await events()).toBe(1);
  });

  it('refuses an empty file: it has no header', async () => {
    const imported = await importFile(file('empty.csv', ''));
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('line 1: no header row');
  });

  it('stops at a record too long to hold (an unclosed quote), naming the line it starts on', async () => {
    const rows = 'x1,fence-surveillance,present,2026-03-01T00:00:00Z,hello world\n'.repeat(50_000);
    const path = file('unclosed.csv', 'id,indicator,observed,at,text\nc1,fence-surveillance,present,2026-03-01T00:00:00Z,\nc2,fence-surveillance,present,2026-03-01T00:00:00Z,"unclosed\n' + rows);
    const message = `${path}: line 3: a record longer than 1,048,576 bytes starts on this line (an unclosed quote?); the file was not read past it`;

    const strict = await importFile(path, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(message);
    expect(await events()).toBe(1);

    const imported = await importFile(path);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(message);
    expect(imported.stderr).toContain(`${path}: not read past line 3; the good lines before it were imported (1 report)`);
    expect(await events()).toBe(2);
  });
});
