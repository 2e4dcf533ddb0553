/** `vigil user`: manages the users who sign in, on the store directly (the events' actor is `cli`). */
import { CLEARANCES, ROLES, type Clearance, type Role } from '../../app/access.js';
import { generatePassword } from '../../app/account-secrets.js';
import { Accounts, MIN_PASSWORD_LENGTH, type UserView } from '../../app/accounts.js';
import { Store } from '../../app/store.js';
import { parseCommandArgs, type Values } from '../args.js';
import { usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

/** The actor of the events these commands cause. */
const CLI_ACTOR = 'cli';

const OPTIONS = {
  ...DATA_OPTION,
  role: { type: 'string', multiple: true },
  clearance: { type: 'string' },
  compartment: { type: 'string', multiple: true },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The options each action takes besides --data and --help. */
const ACTION_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  add: ['role', 'clearance', 'compartment', 'password-stdin'],
  list: ['json'],
  disable: [],
  'reset-password': ['password-stdin'],
};

export const userCommand: Command = {
  name: 'user',
  summary: 'manage the users who sign in: vigil user add|list|disable|reset-password',
  usage: `Usage: vigil user add NAME --role ROLE [--role ROLE]... [--clearance LEVEL] [--compartment C]...
                         [--password-stdin] [--data DIR]
       vigil user list [--json] [--data DIR]
       vigil user disable NAME [--data DIR]
       vigil user reset-password NAME [--password-stdin] [--data DIR]

add             creates a user. NAME: 1 to 64 letters, digits, ".", "_", "@" or "-".
                  --role ROLE         ${ROLES.join(', ')}
                  --clearance LEVEL   ${CLEARANCES.join(', ')} (default ${CLEARANCES[0]})
                  --compartment C     a compartment the user may read (repeat for more)
list            lists the users: name, roles, clearance, compartments, disabled (--json: as JSON)
disable         the user can no longer sign in; their sessions end
reset-password  sets a new password; the user's sessions end and a sign-in lockout is lifted

Passwords: without --password-stdin one is generated and printed once; with it, the password
(at least ${MIN_PASSWORD_LENGTH} characters) is read from standard input, one line.
Each change is an event in the log with the actor "${CLI_ACTOR}".

${DATA_HELP}
`,
  async run(args) {
    const { values, positionals } = parseCommandArgs('user', args, OPTIONS, true);
    if (values.help === true) return out(this.usage), 0;
    const [action, name, ...extra] = positionals;
    const allowed = action === undefined ? undefined : ACTION_OPTIONS[action];
    if (allowed === undefined) throw usageError('expected "user add", "user list", "user disable" or "user reset-password"', 'user');
    if (extra.length > 0 || (action === 'list') !== (name === undefined)) {
      throw usageError(action === 'list' ? '"user list" takes no user name' : `"user ${action}" needs a user name: vigil user ${action} NAME`, 'user');
    }
    const given: Values = values;
    const stray = Object.keys(OPTIONS).find((option) => option !== 'data' && given[option] !== undefined && !allowed.includes(option));
    if (stray !== undefined) throw usageError(`"user ${action}" takes no --${stray}`, 'user');
    if (action === 'add' && values.role === undefined) throw usageError('give the user at least one --role', 'user');
    const password = values['password-stdin'] === true ? await readPassword() : undefined;

    const store = await Store.open(storeOptions(values));
    try {
      const accounts = await Accounts.open(store);
      if (action === 'list') {
        const users = await accounts.listUsers();
        out(values.json === true ? JSON.stringify(users, null, 2) + '\n' : usersTable(users));
      } else if (action === 'add') {
        const chosen = password ?? generatePassword();
        const user = await accounts.createUser({ username: name!, password: chosen, ...grant(values) }, CLI_ACTOR);
        out(`user "${user.username}" added: ${describe(user)}\n`);
        if (password === undefined) out(`password (shown only now): ${chosen}\n`);
      } else if (action === 'disable') {
        const already = (await accounts.user(name!))?.disabled === true;
        await accounts.disableUser(name!, CLI_ACTOR);
        out(already ? `user "${name}" was already disabled\n` : `user "${name}" disabled; their sessions ended\n`);
      } else {
        const result = await accounts.resetPassword(name!, password, CLI_ACTOR);
        out(`password of "${result.user.username}" reset; their sessions ended\n`);
        if (result.generated) out(`password (shown only now): ${result.password}\n`);
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};

/** The roles, clearance and compartments of `user add` (checked by Accounts). */
function grant(values: Values): { roles: Role[]; clearance?: Clearance; compartments: string[] } {
  const list = (value: Values[string]) => (Array.isArray(value) ? value : []);
  return {
    roles: list(values.role) as Role[],
    ...(typeof values.clearance === 'string' ? { clearance: values.clearance as Clearance } : {}),
    compartments: list(values.compartment),
  };
}

function describe(user: UserView): string {
  const compartments = user.compartments.length === 0 ? 'no compartments' : `compartments ${user.compartments.join(', ')}`;
  return `roles ${user.roles.join(', ')}; clearance ${user.clearance}; ${compartments}`;
}

/** The users as a table, one line each, or a line saying there are none. */
function usersTable(users: readonly UserView[]): string {
  if (users.length === 0) return 'no users\n';
  const rows = [
    ['NAME', 'ROLES', 'CLEARANCE', 'COMPARTMENTS', 'DISABLED'],
    ...users.map((u) => [u.username, u.roles.join(','), u.clearance, u.compartments.join(',') || '-', u.disabled ? 'yes' : 'no']),
  ];
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((row) => row[k]!.length)));
  return rows.map((row) => row.map((cell, k) => (k === row.length - 1 ? cell : cell.padEnd(widths[k]!))).join('  ')).join('\n') + '\n';
}

/** The first line of standard input, without its line end (a password is one line). */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '');
}
