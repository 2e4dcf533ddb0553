/**
 * `vigil user` through the real binary: add (generated or piped password), list (table and
 * JSON), disable, reset-password; the passwords it prints sign in; events by the actor `cli`;
 * bad input exits 1 with the reason, wrong usage exits 2.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'vigil.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let data: string;

/** Runs `vigil ...args --data <data>` with `stdin` piped in. */
function vigil(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.VIGIL_DATABASE_URL;
    const child = execFile(process.execPath, [bin, ...args, '--data', data], { cwd: root, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

/** Runs `fn` on the accounts of the test's store, opened in this process. */
async function withAccounts<T>(fn: (accounts: Accounts, store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open({ dataDir: data });
  try {
    return await fn(await Accounts.open(store), store);
  } finally {
    await store.close();
  }
}

const printedPassword = (run: Run) => /password \(shown only now\): (\S+)\n/.exec(run.stdout)?.[1];

beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'vigil-user-cli-'));
});

describe('vigil user', () => {
  it('adds users with a generated or piped password, and lists them', async () => {
    const added = await vigil(['user', 'add', 'alice', '--role', 'analyst', '--role', 'auditor', '--clearance', 'SECRET', '--compartment', 'ZETA', '--compartment', 'ALPHA']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('user "alice" added: roles analyst, auditor; clearance SECRET; compartments ALPHA, ZETA\n');
    const generated = printedPassword(added);
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/);

    const piped = await vigil(['user', 'add', 'bob', '--role', 'viewer', '--password-stdin'], 'correct horse battery\n');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe('user "bob" added: roles viewer; clearance UNCLASSIFIED; no compartments\n');

    const table = await vigil(['user', 'list']);
    expect(table.stdout.split('\n')).toEqual([
      'NAME   ROLES            CLEARANCE     COMPARTMENTS  DISABLED',
      'alice  analyst,auditor  SECRET        ALPHA,ZETA    no',
      'bob    viewer           UNCLASSIFIED  -             no',
      '',
    ]);
    const json = JSON.parse((await vigil(['user', 'list', '--json'])).stdout) as { username: string; roles: string[]; disabled: boolean }[];
    expect(json.map((u) => [u.username, u.roles, u.disabled])).toEqual([
      ['alice', ['analyst', 'auditor'], false],
      ['bob', ['viewer'], false],
    ]);

    await withAccounts(async (accounts, store) => {
      await expect(accounts.signIn('alice', generated!)).resolves.toBeDefined();
      await expect(accounts.signIn('bob', 'correct horse battery')).resolves.toBeDefined();
      const actors: string[] = [];
      for await (const e of store.log.read({ stream: 'system' })) if (e.type === 'user.created') actors.push(e.actor);
      expect(actors).toEqual(['cli', 'cli']);
    });
  });

  it('disables a user and resets a password', async () => {
    expect((await vigil(['user', 'add', 'carol', '--role', 'viewer', '--password-stdin'], 'first password!!')).code).toBe(0);
    const reset = await vigil(['user', 'reset-password', 'carol']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^password of "carol" reset; their sessions ended\npassword \(shown only now\): [A-Za-z0-9_-]{20}\n$/);
    const chosen = await vigil(['user', 'reset-password', 'carol', '--password-stdin'], 'second password!\r\n');
    expect(chosen.stdout).toBe('password of "carol" reset; their sessions ended\n');
    await withAccounts(async (accounts) => {
      await expect(accounts.signIn('carol', printedPassword(reset)!)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await expect(accounts.signIn('carol', 'second password!')).resolves.toBeDefined();
    });

    expect((await vigil(['user', 'disable', 'carol'])).stdout).toBe('user "carol" disabled; their sessions ended\n');
    expect((await vigil(['user', 'disable', 'carol'])).stdout).toBe('user "carol" was already disabled\n');
    expect((await vigil(['user', 'list'])).stdout).toMatch(/\ncarol +viewer +UNCLASSIFIED +- +yes\n$/);
    await withAccounts(async (accounts) => {
      await expect(accounts.signIn('carol', 'second password!')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    });
  });

  it('refuses bad input with exit 1 and wrong usage with exit 2', async () => {
    expect((await vigil(['user', 'add', 'dave', '--role', 'viewer'])).code).toBe(0);
    const cases: [string[], string, number, string][] = [
      [['user', 'add', 'dave', '--role', 'viewer'], '', 1, 'a user named "dave" already exists'],
      [['user', 'add', 'erin', '--role', 'wizard'], '', 1, 'unknown role "wizard"; one of viewer, analyst'],
      [['user', 'add', 'erin', '--role', 'viewer', '--clearance', 'COSMIC'], '', 1, 'unknown clearance "COSMIC"'],
      [['user', 'add', 'two words', '--role', 'viewer'], '', 1, 'a user name is 1 to 64 characters'],
      [['user', 'add', 'erin', '--role', 'viewer', '--password-stdin'], 'short\n', 1, 'a password needs at least 12 characters'],
      [['user', 'disable', 'nobody'], '', 1, 'no user named "nobody"'],
      [['user', 'reset-password', 'nobody'], '', 1, 'no user named "nobody"'],
      [['user', 'add', 'erin'], '', 2, 'give the user at least one --role'],
      [['user'], '', 2, 'expected "user add", "user list"'],
      [['user', 'remove', 'dave'], '', 2, 'expected "user add"'],
      [['user', 'disable'], '', 2, '"user disable" needs a user name'],
      [['user', 'list', 'dave'], '', 2, '"user list" takes no user name'],
      [['user', 'list', '--role', 'viewer'], '', 2, '"user list" takes no --role'],
      [['user', 'disable', 'dave', '--password-stdin'], '', 2, '"user disable" takes no --password-stdin'],
      [['user', 'add', 'erin', '--role'], '', 2, "See 'vigil user --help'"],
    ];
    for (const [args, stdin, code, message] of cases) {
      const run = await vigil(args, stdin);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stderr).not.toContain('internal error');
    }
    const help = await vigil(['user', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: vigil user add NAME --role ROLE');
    expect((await vigil(['--help'])).stdout).toMatch(/\n {2}user +manage the users who sign in/);
  });
});
