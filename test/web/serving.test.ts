/**
 * How the server serves the watch floor: its pages at its own paths, under a CSP with nothing
 * inline, assets cached for good, and every other path left to the API's JSON errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from './browser-fixture.js';

describe('serving the watch floor', () => {
  let web: WebServer;

  beforeAll(async () => {
    web = await startWebServer(0);
  });

  afterAll(async () => {
    await web?.close();
  });

  it('answers its page at each of its own paths, under a CSP that allows nothing inline', async () => {
    for (const path of ['/', '/signin', '/warnings', '/problems', '/problems/southern-front', '/problems/southern-front/model', '/problems/a%20b/report?at=2026-01-01T00:00:00Z']) {
      const response = await fetch(`${web.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      const html = await response.text();
      expect(html).toContain('<div id="root"></div>');
      // Every script and stylesheet comes from a file: no inline code for the CSP to refuse.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style/);
      expect(html).not.toMatch(/\sstyle=/);
    }
  });

  it('serves the hashed assets for good, and a missing one as a JSON 404', async () => {
    const html = await (await fetch(`${web.url}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await fetch(`${web.url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('cache-control'), asset).toContain('immutable');
    }
    const missing = await fetch(`${web.url}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('leaves every other path to the API: unknown /api, /healthz and /metrics paths stay JSON errors', async () => {
    for (const path of ['/api/v1/nothing', '/api/v1/problems/x/nothing', '/healthz/x', '/metrics/x', '/api', '/elsewhere']) {
      const response = await fetch(`${web.url}${path}`);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toMatch(/^(NOT_FOUND|AUTH_REQUIRED)$/);
    }
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    const signedIn = await fetch(`${web.url}/api/v1/nothing`, { headers: { authorization: `Bearer ${web.tokens.analyst}` } });
    expect(signedIn.status).toBe(404);
    expect(((await signedIn.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
