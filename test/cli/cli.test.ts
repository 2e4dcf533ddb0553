/**
 * The `vigil` CLI through the real binary: output shapes, exit statuses, and every bad-input
 * path (a message naming the file and line or field, never a stack trace).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'vigil.js');
const fixture = (name: string) => join(root, 'test', 'fixtures', name);
const demo = (name: string) => join(root, 'examples', 'southern-front', name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function vigil(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function expectNoStack(run: Run): void {
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(run.stderr).not.toContain('internal error');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
});

describe('vigil assess', () => {
  it('prints spec section 7 JSON with --json', async () => {
    const run = await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', fixture('tiny-reports.jsonl'), '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'problem', 'at', 'posterior', 'pDangerous', 'leading', 'level', 'indicators', 'sensitivity', 'collect', 'counted', 'ignored',
    ]);
    // at defaults to the latest received instant: r3's.
    expect(json.at).toBe('2023-10-06T21:00:00.000Z');
    expect(json.counted).toBe(2);
    expect(json.ignored).toEqual([{ report: 'r1', why: 'superseded by r2' }]);
    // By hand: r2 (A1, q = 0.905) on scouts: term(calm) = 0.2*0.905 + 0.8*0.095 = 0.257,
    // term(strike) = 0.8*0.905 + 0.2*0.095 = 0.743. r3 (B2, q = 0.85*0.85 + 0.15*0.15 = 0.745),
    // 1 hour old with a 24 h half-life: w = 2^(-1/24), s' = 0.5 + 0.245 w, f' = 1 - s'.
    const w = Math.pow(2, -1 / 24);
    const s = 0.5 + 0.245 * w;
    const f = 1 - s;
    const calm = 0.9 * 0.257 * (0.05 * s + 0.95 * f);
    const strike = 0.1 * 0.743 * (0.6 * s + 0.4 * f);
    const pStrike = strike / (calm + strike);
    expect(json.pDangerous).toBeCloseTo(pStrike, 12);
    expect(json.level).toBe(pStrike >= 0.5 ? 'warning' : 'normal');
  });

  it('assesses at an earlier instant with --at, listing reports not yet received', async () => {
    const run = await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', fixture('tiny-reports.jsonl'), '--at', '2023-10-06T11:00:00Z', '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { counted: number; ignored: unknown[]; pDangerous: number };
    expect(json.counted).toBe(1);
    expect(json.ignored).toEqual([
      { report: 'r2', why: 'not yet received' },
      { report: 'r3', why: 'not yet received' },
    ]);
    // 0.1*0.743 / (0.9*0.257 + 0.1*0.743)
    expect(json.pDangerous).toBeCloseTo(0.0743 / (0.2313 + 0.0743), 12);
  });

  it('prints a report for a person without --json, with words beside numbers', async () => {
    const run = await vigil('assess', '--problem', demo('problem.yaml'), '--reports', demo('reports.jsonl'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Level [A-Z]+/);
    expect(run.stdout).toMatch(/P\(dangerous\) \d+ % \((almost no chance|very unlikely|unlikely|roughly even chance|likely|very likely|almost certain)\)/);
    expect(run.stdout).toContain('What this hangs on');
    expect(run.stdout).toContain('Collect next');
    expect(run.stdout).toMatch(/if present → P\(dangerous\) \d+ %/);
  });

  it('adds the derived ACH matrix with Heuer\'s scores on request', async () => {
    const json = await vigil('assess', '--problem', demo('problem.yaml'), '--reports', demo('reports.jsonl'), '--ach', '--json');
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as { counted: number; ach: { matrix: { hypotheses: string[]; rows: { id: string; ratings: Record<string, string> }[] }; scores: { hypotheses: { id: string }[]; leastInconsistent: string } } };
    expect(body.ach.matrix.hypotheses).toEqual(['routine', 'exercise', 'raid', 'offensive']);
    expect(body.ach.matrix.rows).toHaveLength(body.counted);
    expect(body.ach.scores.hypotheses.map((h) => h.id)).toEqual(body.ach.matrix.hypotheses);
    const text = await vigil('assess', '--problem', demo('problem.yaml'), '--reports', demo('reports.jsonl'), '--ach');
    expect(text.stdout).toContain('Analysis of competing hypotheses');
    expect(text.stdout).toMatch(/least inconsistent: \w+/);
  });

  it('reads CSV report files the same as JSON Lines', async () => {
    const fromJsonl = await vigil('assess', '--problem', demo('problem.yaml'), '--reports', demo('reports.jsonl'), '--json');
    const fromCsv = await vigil('assess', '--problem', demo('problem.yaml'), '--reports', demo('reports.csv'), '--json');
    expect(fromCsv.code).toBe(0);
    expect(JSON.parse(fromCsv.stdout)).toEqual(JSON.parse(fromJsonl.stdout));
  });

  it('refuses a report file with bad lines, listing every one with file and line', async () => {
    const reports = await file(
      'bad.jsonl',
      [
        '{"id":"a","indicator":"scouts","observed":"present","at":"2023-10-06T10:00:00Z"}',
        '{"id":"b","indicator":"nowhere","observed":"present","at":"2023-10-06T10:00:00Z"}',
        'not json',
        '{"id":"c","indicator":"scouts","observed":"present","at":"yesterday"}',
        '{"id":"a","indicator":"scouts","observed":"absent","at":"2023-10-06T11:00:00Z"}',
        '{"id":"d","indicator":"scouts","observed":"present","at":"2023-10-06T10:00:00Z","reliability":"Z","credibility":"9"}',
      ].join('\n'),
    );
    const run = await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', reports);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${reports}: line 2: /indicator: "nowhere" is not an indicator of problem "tiny"`);
    expect(run.stderr).toContain(`${reports}: line 3: not valid JSON`);
    expect(run.stderr).toContain(`${reports}: line 4: /at: must be an ISO 8601 instant`);
    expect(run.stderr).toContain(`${reports}: line 5: duplicate report id "a" (first on line 1)`);
    expect(run.stderr).toMatch(new RegExp(`line 6: /reliability: .*; /credibility: `));
    expect(run.stderr).toContain('5 bad lines; nothing was assessed');
    expectNoStack(run);
  });

  it('reads a JSON Lines file that starts with a byte order mark', async () => {
    const plain = await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', fixture('tiny-reports.jsonl'), '--json');
    const bom = await file('bom.jsonl', '\uFEFF' + readFileSync(fixture('tiny-reports.jsonl'), 'utf8'));
    const run = await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', bom, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(plain.stdout));
  });

  it('says a field of the wrong type is of the wrong type, not missing', async () => {
    const reports = await file(
      'types.jsonl',
      ['{"id":5,"indicator":"scouts","observed":"present","at":"2023-10-06T10:00:00Z","text":7}', 'null', '[1]'].join('\n'),
    );
    const run = await vigil('validate', '--problem', fixture('tiny-problem.yaml'), reports);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${reports}: line 1: /id: must be a string; /text: must be a string`);
    expect(run.stderr).toContain(`${reports}: line 2: must be a JSON object`);
    expect(run.stderr).toContain(`${reports}: line 3: must be a JSON object`);
    expect(run.stderr).not.toContain('is required');
    expectNoStack(run);
  });

  it('names the field of a bad problem, all errors at once', async () => {
    const problem = await file(
      'bad-problem.yaml',
      `id: p
title: T
hypotheses:
  - { id: a, title: A, prior: 0.5 }
  - { id: b, title: B, prior: 0.6, dangerous: true }
indicators:
  - { id: x, title: X, likelihood: { a: 0.2, b: 1 } }
  - { id: y, title: Y, likelihood: { a: 0.2, c: 0.3 }, colour: red }
warning:
  levels: [ { id: low, threshold: 0.1 }, { id: high, threshold: 0.05 } ]
`,
    );
    const run = await vigil('validate', problem);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${problem}: /indicators/0/likelihood/b: must be strictly between 0 and 1`);
    expect(run.stderr).toContain(`${problem}: /indicators/1/colour: is not a known field`);
    expect(run.stderr).toContain(`${problem}: /indicators/1/likelihood/b: is required`);
    expect(run.stderr).toContain(`${problem}: /indicators/1/likelihood/c: names no hypothesis of this problem`);
    expect(run.stderr).toContain(`${problem}: /hypotheses: priors must sum to 1`);
    expect(run.stderr).toContain(`${problem}: /warning/levels/0/threshold: the first level must have threshold exactly 0`);
    expect(run.stderr).toContain(`${problem}: /warning/levels/1/threshold: must be greater than the previous level's threshold`);
    expectNoStack(run);
  });

  it('refuses "__proto__" as a hypothesis id, which cannot key a likelihood', async () => {
    const problem = await file(
      'proto-problem.json',
      JSON.stringify({
        id: 'p',
        title: 'T',
        hypotheses: [
          { id: '__proto__', title: 'A', prior: 0.5 },
          { id: 'b', title: 'B', prior: 0.5, dangerous: true },
        ],
        indicators: [{ id: 'x', title: 'X', likelihood: JSON.parse('{"__proto__": 0.2, "b": 0.8}') as Record<string, number> }],
        warning: { levels: [{ id: 'low', threshold: 0 }] },
      }),
    );
    const run = await vigil('validate', problem);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${problem}: /hypotheses/0/id: `);
    expectNoStack(run);
  });

  it('reports YAML and JSON syntax errors with their position', async () => {
    const yaml = await file('broken.yaml', 'id: p\ntitle: [unclosed\n');
    const json = await file('broken.json', '{"id": "p",');
    const run = await vigil('validate', yaml, json);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${yaml}: not valid YAML at line \\d+, column \\d+`));
    expect(run.stderr).toContain(`${json}: not valid JSON`);
    expectNoStack(run);
  });

  it('refuses a problem key given twice, in JSON as in YAML, naming it', async () => {
    const yaml = await file('twice.yaml', 'id: far\nid: far9\ntitle: T\n');
    const json = await file('twice.json', '{"id": "far", "title": "T", "id": "far9"}');
    const run = await vigil('validate', yaml, json);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${yaml}: not valid YAML.*unique`));
    expect(run.stderr).toContain(`${json}: /id: is given twice in the same object`);
    expectNoStack(run);
  });

  it('names a missing file', async () => {
    const run = await vigil('assess', '--problem', join(dir, 'nope.yaml'), '--reports', fixture('tiny-reports.jsonl'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nope.yaml: no such file');
    expectNoStack(run);
  });

  it('exits 2 on wrong usage', async () => {
    for (const args of [
      ['assess', '--reports', fixture('tiny-reports.jsonl')],
      ['assess', '--problem', 'x', '--reports', 'y', '--bogus'],
      ['assess', '--problem', fixture('tiny-problem.yaml'), '--reports', fixture('tiny-reports.jsonl'), '--at', 'noon'],
      ['frobnicate'],
      ['validate'],
      [],
    ]) {
      const run = await vigil(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expectNoStack(run);
    }
  });

  it('prints help for every command', async () => {
    for (const command of ['assess', 'replay', 'validate']) {
      const run = await vigil(command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: vigil ${command}`);
    }
  });
});

describe('vigil replay', () => {
  it('prints the level timeline as JSON', async () => {
    const run = await vigil('replay', '--problem', fixture('tiny-problem.yaml'), '--reports', fixture('tiny-reports.jsonl'), '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { changes: { at: string; from: string; to: string; evidence: unknown[]; collect: unknown[] }[]; final: { level: string } };
    for (const change of json.changes) {
      expect(change.evidence.length).toBeLessThanOrEqual(3);
      expect(change.collect.length).toBeLessThanOrEqual(3);
    }
    const assessed = JSON.parse((await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', fixture('tiny-reports.jsonl'), '--json')).stdout) as { level: string };
    expect(json.final.level).toBe(assessed.level);
  });

  it('tells the demo story: the warning rises to the top level with advice on what to collect', async () => {
    const run = await vigil('replay', '--problem', demo('problem.yaml'), '--reports', demo('reports.jsonl'), '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { changes: { to: string; collect: { indicator: string }[] }[]; final: { level: string } };
    expect(json.changes.length).toBeGreaterThanOrEqual(3);
    expect(json.final.level).toBe('alert');
    for (const change of json.changes) expect(change.collect.length).toBe(3);
  });
});

describe('vigil validate', () => {
  it('accepts the demo files and reports counts', async () => {
    const run = await vigil('validate', '--problem', demo('problem.yaml'), demo('reports.jsonl'), demo('reports.csv'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/reports\.jsonl: ok \(\d+ reports\)/);
    expect(run.stdout).toMatch(/reports\.csv: ok \(\d+ reports\)/);
  });

  it('counts CSV lines right after a quoted cell with Windows line ends', async () => {
    const csv = await file(
      'crlf.csv',
      'id,indicator,observed,at,text\r\nr1,scouts,present,2023-10-06T10:00:00Z,"two\r\nlines"\r\nr2,scouts,maybe,2023-10-06T11:00:00Z,\r\n',
    );
    const run = await vigil('validate', '--problem', fixture('tiny-problem.yaml'), csv);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${csv}: line 4: /observed: must be "present" or "absent"`);
    const assessed = await vigil('assess', '--problem', fixture('tiny-problem.yaml'), '--reports', csv, '--json');
    expect(assessed.stderr).toContain(`${csv}: line 4: `);
  });

  it('names bad CSV lines and a bad header', async () => {
    const csv = await file('bad.csv', 'id,indicator,observed,at\nr1,scouts,present,2023-10-06T10:00:00Z\nr2,scouts,maybe,2023-10-06T10:00:00Z\nr3,scouts\n');
    const header = await file('bad-header.csv', 'id,indicator,seen,at\nr1,scouts,present,2023-10-06T10:00:00Z\n');
    const run = await vigil('validate', '--problem', fixture('tiny-problem.yaml'), csv, header);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${csv}: line 3: /observed: must be "present" or "absent"`);
    expect(run.stderr).toContain(`${csv}: line 4: has 2 fields; the header has 4`);
    expect(run.stderr).toContain(`${header}: line 1: bad header: unknown column "seen"`);
    expect(run.stderr).toContain('missing column "observed"');
    expectNoStack(run);
  });

  it('counts a CSV line with a stray quote once', async () => {
    const csv = await file(
      'quote.csv',
      'id,indicator,observed,at,text\nr1,scouts,present,2023-10-06T10:00:00Z,"a "quoted" word"\nr2,scouts,present,2023-10-06T10:00:00Z,ok\nr3,scouts,present,2023-10-06T11:00:00Z,ok\n',
    );
    const run = await vigil('validate', '--problem', fixture('tiny-problem.yaml'), csv);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${csv}: line 2: not valid CSV`);
    expect(run.stderr.match(/line 2: /g)).toHaveLength(1);
    expect(run.stderr).toContain(`${csv}: 1 bad line(s), 2 good`);
  });
});
