/**
 * The real server as a child process (`node bin/vigil.js serve`, from the build in dist/), for
 * the tests that kill it: start it on a data directory, find its address on stdout, call it
 * with node's http client, and run the other `vigil` commands on the same directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export const ADMIN_PASSWORD = 'durability admin password 4711';

/** The child's environment: no VIGIL_* of the caller's (the store is the given directory). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('VIGIL_')) env[name] = value;
  return { ...env, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, VIGIL_LOG_LEVEL: 'silent' };
}

export function requireBuild(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run "npm run build" first (npm test does)`);
}

export interface ChildServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the child printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the child exits. */
  readonly exited: Promise<number | string>;
}

/** Starts `vigil serve --data dir --port 0` and resolves once it says where it listens. */
export function startChildServer(dataDir: string): Promise<ChildServer> {
  requireBuild();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: REPO,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 15 s\nstdout: ${out}\nstderr: ${err}`));
    }, 15_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /Vigil listening on (http:\/\/\S+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** Runs `vigil <args>` to completion. */
export function runVigil(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireBuild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One request with node's http client (a fresh connection each time). `onStatus` is called as
 * soon as the status line arrives, before the body is read.
 */
export function call(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    onStatus?: (status: number) => void;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...options.headers,
        },
      },
      (response) => {
        options.onStatus?.(response.statusCode ?? 0);
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Signs in as the first admin: the cookie and CSRF headers of a session. */
export async function signInAdmin(url: string): Promise<Record<string, string>> {
  const answer = await call(`${url}/api/v1/session`, {
    method: 'POST',
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (answer.status !== 200) throw new Error(`admin sign-in: ${answer.status} ${answer.body}`);
  const cookie = ([] as string[])
    .concat(answer.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('vigil_session='));
  const { csrfToken } = JSON.parse(answer.body) as { csrfToken: string };
  return { cookie: cookie!, 'x-csrf-token': csrfToken };
}
