/** Checkpoint policy and signatures, and the signing key file. */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  checkCheckpoint,
  checkpointDue,
  DEFAULT_CHECKPOINT_POLICY,
  signCheckpoint,
} from '../../src/log/checkpoint.js';
import {
  defaultSigningKeyPath,
  keyIdOf,
  loadOrCreateSigningKey,
  publicKeyFromPem,
} from '../../src/log/signing-key.js';
import { testSigningKey } from './support/contract.js';

const HOUR = 3_600_000;

describe('checkpointDue', () => {
  const last = { seq: 100, atMs: 0 };
  const cases: [string, number, number, boolean][] = [
    ['no new events, long after', 0, 10 * HOUR, false],
    ['one event, a minute after', 1, 60_000, false],
    ['9,999 events, within the hour', 9_999, HOUR - 1, false],
    ['10,000 events', 10_000, 1, true],
    ['one event, an hour after', 1, HOUR, true],
  ];
  test.each(cases)('%s: %s', (_name, eventsSince, now, due) => {
    expect(checkpointDue(last, eventsSince, now)).toBe(due);
  });
  test('the default policy is the spec: 10,000 events, one hour', () => {
    expect(DEFAULT_CHECKPOINT_POLICY).toEqual({ everyEvents: 10_000, everyMs: HOUR });
    expect(checkpointDue(last, 3, 10, { everyEvents: 3, everyMs: HOUR })).toBe(true);
  });
});

describe('checkpoint signatures', () => {
  const key = testSigningKey();
  const keys = new Map([[key.keyId, key.publicKey]]);
  const head = 'ab'.repeat(32);
  const data = signCheckpoint(41, head, key);

  test('sign the ASCII bytes of the head with Ed25519, base64', () => {
    expect(data).toMatchObject({ upTo: 41, head, keyId: key.keyId });
    expect(Buffer.from(data.signature, 'base64')).toHaveLength(64);
    expect(checkCheckpoint(data, 42, head, keys)).toBeUndefined();
  });

  const bad: [string, unknown, RegExp][] = [
    ['a wrong upTo', { ...data, upTo: 40 }, /upTo/],
    ['a head that is not prev', { ...data, head: 'cd'.repeat(32) }, /head/],
    ['an unknown key', { ...data, keyId: '0123456789abcdef' }, /unknown key/],
    [
      'a changed signature',
      { ...data, signature: (data.signature.startsWith('A') ? 'B' : 'A') + data.signature.slice(1) },
      /does not verify/,
    ],
    ['a signature that is not canonical base64', { ...data, signature: data.signature + '!' }, /base64/],
    ['a short signature', { ...data, signature: 'AAAA' }, /does not verify/],
    ['an extra member', { ...data, note: 'x' }, /unexpected members: note/],
    ['no object', 'x', /not an object/],
  ];
  test.each(bad)('refuse %s', (_name, changed, reason) => {
    expect(checkCheckpoint(changed, 42, head, keys)).toMatch(reason);
  });
});

describe('the signing key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-key-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('is created on first use with mode 0600, and the same key is read back after', async () => {
    const path = defaultSigningKeyPath(join(dir, 'data'));
    expect(path).toBe(join(dir, 'data', 'signing-key.pem'));
    const created = await loadOrCreateSigningKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateSigningKey(path);
    expect(again.keyId).toBe(created.keyId);
    expect(created.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const der = createPublicKey(created.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(created.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
    expect(keyIdOf(created.publicKey)).toBe(created.keyId);
  });

  test('several processes starting at once end up with one key', async () => {
    const path = join(dir, 'signing-key.pem');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(path)));
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
  });

  test('a file that is not an Ed25519 private key is refused', async () => {
    const path = join(dir, 'signing-key.pem');
    writeFileSync(path, 'not a key');
    await expect(loadOrCreateSigningKey(path)).rejects.toMatchObject({ code: 'SIGNING_KEY_INVALID' });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(loadOrCreateSigningKey(path)).rejects.toMatchObject({ code: 'SIGNING_KEY_INVALID' });
  });

  test('publicKeyFromPem reads Ed25519 public keys only', () => {
    expect(publicKeyFromPem(testSigningKey().publicKeyPem)).toBeDefined();
    expect(publicKeyFromPem('junk')).toBeUndefined();
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBeUndefined();
  });
});
