import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeOnSignals, startServer } from '../../http/server.js';
import { resolveSettings, type SettingsInput } from '../../http/settings.js';
import { parseCommandArgs } from '../args.js';
import { out, type Command } from '../command.js';
import { runDemo } from '../demo.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the Vigil server (HTTP API and watch floor): vigil serve [--data DIR] [--host H] [--port N]',
  usage: `Usage: vigil serve [--data DIR] [--host H] [--port N] [--config FILE] [--log-level L] [--demo]

Runs the HTTP API (OpenAPI document at /api/docs), /healthz and /metrics.

  --data DIR          the data directory (default ./data): SQLite store and signing key
  --host H            address to listen on (default 127.0.0.1)
  --port N            port (default 8080; 0 picks a free one)
  --config FILE       a YAML or JSON file of settings (see the README); flags win over the
                      environment, which wins over the file
  --log-level L       fatal, error, warn, info (default), debug, trace or silent
  --demo              load the demo problem, create one user per role (passwords printed) and
                      replay the demo reports in accelerated time (about a minute); without
                      --data or VIGIL_DATA the demo uses a fresh temporary directory
  --demo-seconds N    how long the demo replay takes (default 60)

Environment: VIGIL_HOST, VIGIL_PORT, VIGIL_DATA, VIGIL_DATABASE_URL (postgres://...: PostgreSQL
instead of SQLite), VIGIL_DATABASE_SCHEMA, VIGIL_SIGNING_KEY, VIGIL_LOG_LEVEL,
VIGIL_REQUESTS_PER_MINUTE, VIGIL_SIGN_IN_PER_MINUTE, VIGIL_SECURE_COOKIES, VIGIL_TRUST_PROXY,
VIGIL_CONFIG; VIGIL_ADMIN_PASSWORD sets the first admin's password (else one is generated and
printed once).
`,
  async run(args) {
    const { values } = parseCommandArgs('serve', args, {
      data: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      demo: { type: 'boolean' },
      'demo-seconds': { type: 'string' },
    });
    if (values.help === true) return out(this.usage), 0;
    const flags: SettingsInput = {
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.port !== undefined ? { port: values.port } : {}),
      ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] as SettingsInput['logLevel'] } : {}),
    };
    let settings = await resolveSettings(flags, process.env, values.config);
    if (values.demo === true && values.data === undefined && !process.env.VIGIL_DATA && !process.env.VIGIL_DATABASE_URL) {
      // A demo starts clean each time, in a directory of its own, unless told where.
      settings = { ...settings, data: await mkdtemp(join(tmpdir(), 'vigil-demo-')) };
      out(`Demo data in ${settings.data}\n`);
    }
    const server = await startServer(settings, {
      onAdminCreated: (username, password, generated) => {
        if (generated) out(`First start: created user "${username}" with password\n\n    ${password}\n\nIt is shown only this once.\n`);
        else out(`First start: created user "${username}" with the password from VIGIL_ADMIN_PASSWORD.\n`);
      },
    });
    out(`Vigil listening on ${server.url} (API documented at ${server.url}/api/docs)\n`);
    const stopped = closeOnSignals(server, (line) => out(line + '\n'));
    if (values.demo === true) {
      const seconds = values['demo-seconds'] === undefined ? 60 : Number(values['demo-seconds']);
      // The replay stops when the server starts shutting down, before the store closes.
      const shutdown = new AbortController();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => shutdown.abort());
      void runDemo(server, { seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 60, print: out, signal: shutdown.signal }).catch((error: unknown) => out(`demo stopped: ${String(error)}\n`));
    }
    await stopped;
    return 0;
  },
};
