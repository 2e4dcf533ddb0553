/** `vigil org load|show` through the real binary. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
const example = fileURLToPath(new URL('../../examples/southern-front/organisation.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-org-cli-'));
const vigil = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('vigil org', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the example organisation and shows it without contact details', () => {
    const loaded = vigil('org', 'load', example, '--data', dir);
    expect(loaded.status).toBe(0);
    expect(loaded.stdout).toMatch(/6 people, 5 roles, 1 absences, 1 policies/);
    const shown = execFileSync(process.execPath, [bin, 'org', 'show', '--data', dir], { encoding: 'utf8' });
    expect(JSON.parse(shown).roles).toHaveLength(5);
    expect(shown).not.toContain('example.org');
    expect(shown).not.toContain('Dana Levin');
  });

  it('refuses a bad document naming the field, and bad usage', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'people: []\nroles:\n  - { id: r, title: R, holder: nobody }\n');
    const result = vigil('org', 'load', bad, '--data', dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/roles/0/holder');
    expect(vigil('org', 'load', '--data', dir).status).toBe(2);
    expect(vigil('org', 'load', join(dir, 'missing.yaml'), '--data', dir).status).toBe(1);
  });
});
