/**
 * Security headers on every answer: helmet's set, with a CSP that forbids inline scripts.
 *
 * Helmet is a middleware that works the headers out on every request; ours never depend on the
 * request, so they are worked out once, by running helmet against a response that only records
 * what it is told, and the resulting headers are set on each reply as they are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

const POLICY: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      // Plain HTTP on a LAN must keep working: the browser must not rewrite asset URLs to https.
      upgradeInsecureRequests: null,
    },
  },
  // TLS is a proxy's business: a server on plain HTTP must not pin browsers to https.
  strictTransportSecurity: false,
};

/** The headers helmet sets with Vigil's policy, lower-cased names to values. */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(POLICY)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return Object.freeze(headers);
}
