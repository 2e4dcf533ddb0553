/**
 * Secrets that must be the same on every server sharing a PostgreSQL store: left to their
 * per-data-directory defaults there, each gets a warning at start naming the setting to set.
 */
import { describe, expect, it } from 'vitest';
import { resolveSettings, unsharedSecretWarnings } from '../../src/http/settings.js';

const URL = 'postgres://vigil@db.example.org/vigil';
const SECRET = 'a-shared-secret-of-32-characters';

describe('unsharedSecretWarnings', () => {
  it('warns of each secret left to its default on PostgreSQL, naming the variable that sets it', async () => {
    const warnings = unsharedSecretWarnings(await resolveSettings({}, { VIGIL_DATABASE_URL: URL, VIGIL_DATA: '/srv/vigil' }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^ackSecret is not set: this server uses \/srv\/vigil\/ack-secret.*VIGIL_ACK_SECRET/);
    expect(warnings[1]).toMatch(/^webhookSecret is not set: this server uses \/srv\/vigil\/webhook-secret.*VIGIL_WEBHOOK_SECRET/);
  });

  it('says nothing once both are set, or on SQLite', async () => {
    expect(unsharedSecretWarnings(await resolveSettings({}, { VIGIL_DATABASE_URL: URL, VIGIL_ACK_SECRET: SECRET, VIGIL_WEBHOOK_SECRET: SECRET }))).toEqual([]);
    expect(unsharedSecretWarnings(await resolveSettings({}, { VIGIL_DATABASE_URL: URL, VIGIL_ACK_SECRET: SECRET }))).toHaveLength(1);
    expect(unsharedSecretWarnings(await resolveSettings({}, {}))).toEqual([]);
  });
});
