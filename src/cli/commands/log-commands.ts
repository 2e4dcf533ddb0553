import { openEventLog } from '../../app/store.js';
import { exportLog } from '../../log/export.js';
import { defaultSigningKeyPath, loadOrCreateSigningKey } from '../../log/signing-key.js';
import { parseHeadClaim, verifyExport, verifyLog } from '../../log/verify.js';
import { parseCommandArgs } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { out, type Command } from '../command.js';
import { DATA_HELP, DATA_OPTION, storeOptions } from '../store-options.js';

function wholeNumber(command: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw usageError(`--${name} must be a whole number`, command);
  return n;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the event log (or a range of it) as JSON Lines an outsider can verify',
  usage: `Usage: vigil export [--from SEQ] [--to SEQ] [--out FILE] [--data DIR]

Writes the log as JSON Lines (shared/spec/audit-log.md section 3): a header line with the public
keys that signed checkpoints, then one canonical (JCS) event per line in seq order. Without
--out, to standard output.

  --from SEQ   first event (default 1); the export carries its true "prev"
  --to SEQ     last event (default the head)
  --out FILE   where to write
${DATA_HELP}
`,
  async run(args) {
    const { values } = parseCommandArgs('export', args, { ...DATA_OPTION, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } });
    if (values.help === true) return out(this.usage), 0;
    const from = wholeNumber('export', 'from', values.from);
    const to = wholeNumber('export', 'to', values.to);
    if (from === 0) throw usageError('--from must be at least 1', 'export');
    if (from !== undefined && to !== undefined && to < from) throw usageError(`--to (${to}) must not be before --from (${from})`, 'export');
    const { log } = await openEventLog(storeOptions(values));
    try {
      const header = await exportLog(log, typeof values.out === 'string' ? values.out : process.stdout, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
      if (typeof values.out === 'string') out(`${values.out}: events ${header.from} to ${header.to}\n`);
    } finally {
      await log.close();
    }
    return 0;
  },
};

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check the hash chain and signed checkpoints of the store or of an export',
  usage: `Usage: vigil verify [--export FILE] [--head SEQ:HASH] [--data DIR]

Recomputes every event's hash, checks every "prev" link and that no seq is missing, and checks
every checkpoint's head and Ed25519 signature (shared/spec/audit-log.md section 4). Without
--export it checks the store itself.

  --export FILE      check an export file instead of the store
  --head SEQ:HASH    also check that the log still holds this event (a head seen elsewhere,
                     e.g. in a daily briefing), which catches a log cut short
${DATA_HELP}

Prints the number of events and the last hash and exits 0 when all holds; otherwise prints
the first failing seq and what failed there, and exits 1.
`,
  async run(args) {
    const { values } = parseCommandArgs('verify', args, { ...DATA_OPTION, export: { type: 'string' }, head: { type: 'string' } });
    if (values.help === true) return out(this.usage), 0;
    const head = typeof values.head === 'string' ? parseHeadClaim(values.head) : undefined;
    if (typeof values.head === 'string' && head === undefined) throw usageError('--head must be SEQ:HASH (a seq and 64 lowercase hex digits)', 'verify');
    const options = head === undefined ? {} : { head };
    let result;
    if (typeof values.export === 'string') {
      result = await verifyExport(values.export, options).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new CliError(`${values.export}: no such file`);
        if (error.code === 'EISDIR') throw new CliError(`${values.export}: is a directory`);
        throw error;
      });
    } else {
      const { log } = await openEventLog(storeOptions(values));
      try {
        result = await verifyLog(log, options);
      } finally {
        await log.close();
      }
    }
    if (result.ok) {
      out(`ok: ${result.events.toLocaleString('en-US')} events verified; last seq ${result.lastSeq}, last hash ${result.lastHash}\n`);
      return 0;
    }
    process.stderr.write(`verification FAILED at seq ${result.seq}: ${result.reason}\n`);
    return 1;
  },
};

export const keysCommand: Command = {
  name: 'keys',
  summary: 'print the public key that signs log checkpoints (PEM)',
  usage: `Usage: vigil keys [--data DIR]

Prints the key id and the public key (PEM, SPKI) of the Ed25519 key that signs the log's
checkpoints. The key is created on first use in the data directory (owner-only permissions);
VIGIL_SIGNING_KEY names another path.
${DATA_HELP}
`,
  async run(args) {
    const { values } = parseCommandArgs('keys', args, DATA_OPTION);
    if (values.help === true) return out(this.usage), 0;
    const options = storeOptions(values);
    const key = await loadOrCreateSigningKey(options.signingKeyPath ?? defaultSigningKeyPath(options.dataDir ?? 'data'));
    out(`key id: ${key.keyId}\n${key.publicKeyPem.trimEnd()}\n`);
    return 0;
  },
};
