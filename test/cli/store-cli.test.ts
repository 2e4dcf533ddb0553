/**
 * The store commands through the real binary: problem put, import (streaming, bad lines,
 * --strict, idempotent re-runs), assess from the store equal to assess from files, export,
 * verify (and its failure on tampering, naming the first bad seq), --head, keys.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'vigil.js');
const demo = (name: string) => join(root, 'examples', 'southern-front', name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function vigil(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
    delete childEnv.VIGIL_DATABASE_URL;
    execFile(process.execPath, [bin, ...args], { cwd: root, env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

let data: string;
const run = (...args: string[]) => vigil({}, ...args, '--data', data);

beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'vigil-store-cli-'));
});

async function loadDemo(): Promise<void> {
  expect((await run('problem', 'put', demo('problem.yaml'))).stdout).toContain('version 1 stored');
  const imported = await run('import', '--problem', 'southern-front', '--reports', demo('reports.jsonl'));
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(/imported 83 reports into "southern-front"/);
}

describe('vigil problem and import', () => {
  it('stores versions and lists problems', async () => {
    await loadDemo();
    expect((await run('problem', 'put', demo('problem.yaml'))).stdout).toContain('unchanged (version 1)');
    const list = await run('problem', 'list');
    expect(list.stdout).toMatch(/^southern-front {2}version 1 {2}/);
  });

  it('imports again without duplicating, and keeps the received times of history', async () => {
    await loadDemo();
    const again = await run('import', '--problem', 'southern-front', '--reports', demo('reports.csv'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/imported 0 reports into "southern-front", 83 already there/);
    const exported = await run('export', '--out', join(data, 'export.jsonl'));
    expect(exported.code).toBe(0);
    const lines = readFileSync(join(data, 'export.jsonl'), 'utf8').trim().split('\n');
    const received = lines.slice(1).map((l) => JSON.parse(l) as { type: string; data: { backfilled?: boolean; report?: { received: string } } }).filter((e) => e.type === 'report.received');
    expect(received).toHaveLength(83);
    expect(received.every((e) => e.data.backfilled === true)).toBe(true);
    expect(received[0]?.data.report?.received).toBe('2026-02-02T12:00:00.000Z');
  });

  it('imports a JSON Lines file that starts with a byte order mark, first line included', async () => {
    await loadDemo();
    const bom = join(data, 'bom.jsonl');
    writeFileSync(bom, '\uFEFF' + readFileSync(demo('reports.jsonl'), 'utf8'));
    const again = await run('import', '--problem', 'southern-front', '--reports', bom, '--strict');
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/imported 0 reports into "southern-front", 83 already there/);
  });

  it('skips bad lines, naming them, or refuses the whole file with --strict', async () => {
    expect((await run('problem', 'put', demo('problem.yaml'))).code).toBe(0);
    const file = join(data, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        '{"id":"m1","indicator":"fence-surveillance","observed":"present","at":"2026-03-01T00:00:00Z"}',
        '{"id":"m2","indicator":"no-such-thing","observed":"present","at":"2026-03-01T00:00:00Z"}',
        '{oops',
        '{"id":"m3","indicator":"fence-surveillance","observed":"absent","at":"2026-03-02T00:00:00Z","reliability":"B","credibility":"2"}',
      ].join('\n'),
    );
    const strict = await run('import', '--problem', 'southern-front', '--reports', file, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('line 2: /indicator: "no-such-thing" is not an indicator');
    expect(strict.stderr).toContain('line 3: not valid JSON');
    expect(strict.stderr).toContain('nothing was imported (--strict)');
    expect((await run('verify')).stdout).toMatch(/ok: 1 events verified/);

    const lenient = await run('import', '--problem', 'southern-front', '--reports', file);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('imported 2 reports');
    expect(lenient.stdout).toContain('2 bad lines skipped');
    expect(lenient.stderr).toContain(`${file}: line 2:`);
    expect(lenient.stderr).toContain(`${file}: line 3:`);

    // A changed report under an existing id is a bad line, not an overwrite.
    const changed = join(data, 'changed.jsonl');
    writeFileSync(changed, '{"id":"m1","indicator":"fence-surveillance","observed":"absent","at":"2026-03-01T00:00:00Z"}\n{"id":"m4","indicator":"fence-surveillance","observed":"absent","at":"2026-03-03T00:00:00Z"}\n');
    const conflict = await run('import', '--problem', 'southern-front', '--reports', changed);
    expect(conflict.stderr).toContain('line 1: report id "m1" is already stored with different content');
    expect(conflict.stdout).toContain('imported 1 report ');
  });

  it('says how to assess a problem file when --reports is missing, touching no store', async () => {
    const run2 = await vigil({}, 'assess', '--problem', demo('problem.yaml'), '--data', join(data, 'untouched'));
    expect(run2.code).toBe(2);
    expect(run2.stderr).toContain('give --reports FILE too');
    expect(existsSync(join(data, 'untouched'))).toBe(false);
    expect((await run('export', '--from', '5', '--to', '2')).code).toBe(2);
  });

  it('refuses a JSON line too long to hold, and keeps reading after it', async () => {
    expect((await run('problem', 'put', demo('problem.yaml'))).code).toBe(0);
    const huge = 'x'.repeat(1_200_000);
    const good = (id: string, hour: number) => JSON.stringify({ id, indicator: 'fence-surveillance', observed: 'present', at: `2026-03-01T0${hour}:00:00Z` });
    const jsonl = join(data, 'long.jsonl');
    writeFileSync(jsonl, [good('l1', 1), JSON.stringify({ id: 'l2', indicator: 'fence-surveillance', observed: 'present', at: '2026-03-01T02:00:00Z', text: huge }), good('l3', 3)].join('\r\n'));
    const imported = await run('import', '--problem', 'southern-front', '--reports', jsonl);
    expect(imported.stderr).toContain(`${jsonl}: line 2: longer than 1,048,576 bytes`);
    expect(imported.stdout).toContain('imported 2 reports');
  });

  it('numbers CSV lines right while streaming Windows line ends', async () => {
    expect((await run('problem', 'put', demo('problem.yaml'))).code).toBe(0);
    const csv = join(data, 'crlf.csv');
    writeFileSync(
      csv,
      'id,indicator,observed,at,text\r\nc1,fence-surveillance,present,2026-03-01T00:00:00Z,"seen\r\ntwice"\r\nc2,fence-surveillance,maybe,2026-03-01T01:00:00Z,\r\nc3,fence-surveillance,absent,2026-03-01T02:00:00Z,\r\n',
    );
    const imported = await run('import', '--problem', 'southern-front', '--reports', csv);
    expect(imported.stderr).toContain(`${csv}: line 4: /observed`);
    expect(imported.stdout).toContain('imported 2 reports');
  });

  it('refuses an unknown problem and a missing file', async () => {
    expect((await run('import', '--problem', 'nope', '--reports', demo('reports.jsonl'))).stderr).toContain('no problem "nope"');
    const missing = await run('import', '--problem', 'nope', '--reports', join(data, 'missing.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing.jsonl: no such file');
  });

  it('counts a CSV line with a stray quote once when importing', async () => {
    await loadDemo();
    const csv = join(data, 'quote.csv');
    writeFileSync(
      csv,
      'id,indicator,observed,at,text\nq1,live-ammunition,present,2026-03-01T00:00:00Z,"a "quoted" word"\nq2,live-ammunition,present,2026-03-01T00:00:00Z,ok\n',
    );
    const imported = await run('import', '--problem', 'southern-front', '--reports', csv);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 1 report into "southern-front", 1 bad line skipped/);
    expect(imported.stderr.match(/line 2: /g)).toHaveLength(1);
  });

  it('names a directory or an unusable path given for a file, without a stack trace', async () => {
    await loadDemo();
    const file = join(data, 'plain-file');
    writeFileSync(file, 'x');
    const runs = {
      import: await run('import', '--problem', 'southern-front', '--reports', data),
      verify: await run('verify', '--export', data),
      export: await run('export', '--out', join(data, 'no-such-dir', 'export.jsonl')),
      store: await vigil({}, 'problem', 'list', '--data', file),
    };
    expect(runs.import.stderr).toContain(`${data}: is a directory`);
    expect(runs.verify.stderr).toContain(`${data}: is a directory`);
    expect(runs.export.stderr).toContain(join(data, 'no-such-dir', 'export.jsonl'));
    expect(runs.store.stderr).toContain(file);
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).not.toContain('internal error');
      expect(r.stderr, name).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  });
});

describe('vigil assess from the store', () => {
  it('gives exactly the JSON of the files as of T', async () => {
    await loadDemo();
    for (const at of ['2026-03-03T01:45:00Z', '2026-03-13T22:00:00Z', '2026-03-14T03:45:00Z']) {
      const fromStore = await run('assess', '--problem', 'southern-front', '--at', at, '--json');
      const fromFiles = await vigil({}, 'assess', '--problem', demo('problem.yaml'), '--reports', demo('reports.jsonl'), '--at', at, '--json');
      expect(fromStore.code).toBe(0);
      expect(JSON.parse(fromStore.stdout)).toEqual(JSON.parse(fromFiles.stdout));
    }
    const text = await run('assess', '--problem', 'southern-front', '--at', '2026-03-14T03:45:00Z');
    expect(text.stdout).toContain('Level ALERT');
  });

  it('shows an assessment as of T with the model version in force at T', async () => {
    await loadDemo();
    const v1 = parseYaml(readFileSync(demo('problem.yaml'), 'utf8')) as { hypotheses: { id: string; title: string; prior: number }[]; indicators: { likelihood: Record<string, number> }[] };
    v1.hypotheses[0]!.prior -= 0.05;
    const v2 = { ...v1, hypotheses: [...v1.hypotheses, { id: 'feint', title: 'A feint along the line', prior: 0.05 }] };
    v2.indicators = v1.indicators.map((i) => ({ ...i, likelihood: { ...i.likelihood, feint: 0.5 } }));
    const v2Path = join(data, 'v2.json');
    writeFileSync(v2Path, JSON.stringify(v2));
    expect((await run('problem', 'put', v2Path)).stdout).toContain('version 2 stored');
    const text = await run('assess', '--problem', 'southern-front', '--at', '2026-03-14T03:45:00Z', '--ach');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Level ALERT');
    expect(text.stdout).not.toContain('feint');
    expect(text.stdout).not.toContain('A feint along the line');
  });
});

describe('vigil report', () => {
  it('retracts and regrades with new events; the past is unchanged', async () => {
    await loadDemo();
    const night = ['--at', '2026-03-14T03:45:00Z'];
    const before = JSON.parse((await run('assess', '--problem', 'southern-front', ...night, '--json')).stdout) as { pDangerous: number };
    const beforeNow = JSON.parse((await run('assess', '--problem', 'southern-front', '--json')).stdout) as { pDangerous: number; sensitivity: { report: string }[] };
    // Take back the report today's assessment hangs on most.
    const target = beforeNow.sensitivity[0]!.report;
    const retracted = await run('report', 'retract', '--problem', 'southern-front', '--report', target, '--reason', 'the mock-up was a film set');
    expect(retracted.code).toBe(0);
    expect(retracted.stdout).toMatch(new RegExp(`report "${target}" retracted \\(event 85, `));
    const regraded = await run('report', 'regrade', '--problem', 'southern-front', '--report', 'sf-080', '--reason', 'source re-assessed', '--reliability', 'D', '--credibility', '4');
    expect(regraded.code).toBe(0);
    const after = JSON.parse((await run('assess', '--problem', 'southern-front', '--json')).stdout) as { ignored: { report: string; why: string }[]; pDangerous: number };
    expect(after.ignored).toContainEqual({ report: target, why: 'retracted' });
    // (What corrections do to the numbers is checked exactly in test/app/store.test.ts.)
    // As of the night itself nothing was corrected yet.
    const past = JSON.parse((await run('assess', '--problem', 'southern-front', ...night, '--json')).stdout) as { pDangerous: number };
    expect(past.pDangerous).toBeCloseTo(before.pDangerous, 12);
    expect((await run('verify')).stdout).toContain('ok: 86 events verified');
  });

  it('refuses bad corrections', async () => {
    await loadDemo();
    const unknown = await run('report', 'retract', '--problem', 'southern-front', '--report', 'nope', '--reason', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no report "nope"');
    const badGrade = await run('report', 'regrade', '--problem', 'southern-front', '--report', 'sf-001', '--reason', 'x', '--reliability', 'Q', '--credibility', '2');
    expect(badGrade.code).toBe(2);
    expect(badGrade.stderr).toContain('--reliability must be a grade A to F');
    const noReason = await run('report', 'retract', '--problem', 'southern-front', '--report', 'sf-001');
    expect(noReason.code).toBe(2);
  });
});

describe('vigil export, verify and keys', () => {
  it('verifies the store and its export, and prints the public key', async () => {
    await loadDemo();
    const verified = await run('verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^ok: 84 events verified; last seq 84, last hash [0-9a-f]{64}\n$/);
    const out = join(data, 'log.jsonl');
    expect((await run('export', '--out', out)).code).toBe(0);
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { vigilLog: number; publicKeys: Record<string, string>; from: number; to: number };
    expect(header).toMatchObject({ vigilLog: 1, from: 1, to: 84 });
    const keys = await run('keys');
    const keyId = /key id: ([0-9a-f]{16})/.exec(keys.stdout)?.[1] ?? '';
    expect(keys.stdout).toContain('-----BEGIN PUBLIC KEY-----');
    // The export carries the same key the store signs with.
    expect(header.publicKeys[keyId]?.trim()).toBe(keys.stdout.slice(keys.stdout.indexOf('-----BEGIN')).trim());
    expect(statSync(join(data, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect((await vigil({}, 'verify', '--export', out)).stdout).toContain('ok: 84 events verified');
    const partial = join(data, 'part.jsonl');
    expect((await run('export', '--from', '10', '--to', '20', '--out', partial)).code).toBe(0);
    expect((await vigil({}, 'verify', '--export', partial)).stdout).toContain('ok: 11 events verified');
  });

  it('names the first bad seq when an event was edited in the database', async () => {
    await loadDemo();
    const db = new Database(join(data, 'vigil.db'));
    db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
    const row = db.prepare('SELECT data FROM events WHERE seq = 40').get() as { data: string };
    // Turn what report 39 said into its opposite: one word of one event.
    const edited = row.data.replace(/"observed":"(present|absent)"/, (_m, o: string) => `"observed":"${o === 'present' ? 'absent' : 'present'}"`);
    expect(edited).not.toBe(row.data);
    db.prepare('UPDATE events SET data = ? WHERE seq = 40').run(edited);
    db.close();
    const result = await run('verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/verification FAILED at seq 40: /);
  });

  it('catches a log cut short with --head', async () => {
    await loadDemo();
    const head = /last seq (\d+), last hash ([0-9a-f]{64})/.exec((await run('verify')).stdout)!;
    const db = new Database(join(data, 'vigil.db'));
    db.exec('DROP TRIGGER IF EXISTS events_no_delete; DELETE FROM events WHERE seq > 80;');
    db.close();
    expect((await run('verify')).code).toBe(0);
    const cut = await run('verify', '--head', `${head[1]}:${head[2]}`);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/verification FAILED at seq 8\d/);
    expect((await run('verify', '--head', 'nonsense')).code).toBe(2);
  });
});
