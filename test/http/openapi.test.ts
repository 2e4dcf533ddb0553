/**
 * GET /api/docs (api.md, Log and service): an OpenAPI 3 document of every route the app
 * registers, its request bodies, queries and path parameters generated from the same zod
 * schemas that validate the requests. A route added without documentation fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLEARANCES, ROLES } from '../../src/app/access.js';
import { CREDIBILITY_GRADES, RELIABILITY_GRADES } from '../../src/core/model.js';
import type { App } from '../../src/http/context.js';
import * as schemas from '../../src/http/schemas.js';
import { acknowledgeBody, coverageQuery, warningsQuery } from '../../src/http/routes/warning-routes.js';
import { dissentBody, dissentsQuery, withdrawBody } from '../../src/http/routes/dissent-routes.js';
import { counterfactualBody, inquiryQuery, outcomeBody, reliabilityQuery, scoresQuery } from '../../src/http/routes/inquiry-routes.js';
import { organisationSchema } from '../../src/warn/organisation.js';
import { startTestServer, type TestServer } from './server-fixture.js';

interface Parameter {
  in: 'query' | 'path' | 'header';
  name: string;
  required?: boolean;
  schema: Record<string, unknown>;
}

interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  components: { securitySchemes: Record<string, unknown> };
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
}

let s: TestServer;
let doc: OpenApiDocument;

beforeAll(async () => {
  s = await startTestServer();
  const response = await s.app.inject({ method: 'GET', url: '/api/docs' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  doc = response.json() as OpenApiDocument;
});

afterAll(async () => {
  await s.close();
});

/** Every `METHOD /path` the app registers, in OpenAPI's spelling (`{param}`), HEAD left out. */
function registeredRoutes(app: App): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (match === null) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    const path = stack.join('').replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of (match[3] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD') found.push(`${method} ${path}`);
    }
  }
  return found.sort();
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

function operation(method: string, path: string): Operation {
  const found = doc.paths[path]?.[method.toLowerCase()];
  expect(found, `${method} ${path} is documented`).toBeDefined();
  return found!;
}

function bodySchema(method: string, path: string): Record<string, unknown> {
  const body = operation(method, path).requestBody;
  expect(body, `${method} ${path} has a request body`).toBeDefined();
  return body!.content['application/json']!.schema;
}

/** What zod itself makes of a schema, as the request side (input) sees it. */
function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _schema, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return json;
}

/** The request bodies of the API and the zod schemas that validate them. */
const BODIES: Record<string, z.ZodType> = {
  'POST /api/v1/session': schemas.signInBody,
  'POST /api/v1/users': schemas.newUserBody,
  'POST /api/v1/users/{username}/password': schemas.passwordBody,
  'POST /api/v1/tokens': schemas.newTokenBody,
  'POST /api/v1/problems': schemas.problemBody,
  'PUT /api/v1/problems/{id}': schemas.problemBody,
  'POST /api/v1/problems/{id}/reports': schemas.reportsBody,
  'POST /api/v1/problems/{id}/reports/{reportId}/retract': schemas.retractBody,
  'POST /api/v1/problems/{id}/reports/{reportId}/regrade': schemas.regradeBody,
  'POST /api/v1/warnings/{id}/acknowledge': acknowledgeBody,
  'PUT /api/v1/organisation': organisationSchema,
  'POST /api/v1/problems/{id}/dissents': dissentBody,
  'POST /api/v1/dissents/{id}/withdraw': withdrawBody,
  'POST /api/v1/problems/{id}/outcome': outcomeBody,
  'POST /api/v1/problems/{id}/counterfactual': counterfactualBody,
};

/** The query strings of the API and their zod schemas. */
const QUERIES: Record<string, z.ZodObject> = {
  'GET /api/v1/problems/{id}/assessment': schemas.assessmentQuery,
  'GET /api/v1/problems/{id}/ach': schemas.atQuery,
  'GET /api/v1/problems/{id}/timeline': schemas.atQuery,
  'GET /api/v1/problems/{id}/reports': schemas.reportsQuery,
  'GET /api/v1/events': schemas.eventsQuery,
  'GET /api/v1/export': schemas.exportQuery,
  'GET /api/v1/warnings': warningsQuery,
  'GET /api/v1/organisation/coverage': coverageQuery,
  'GET /api/v1/problems/{id}/dissents': dissentsQuery,
  'GET /api/v1/problems/{id}/scores': scoresQuery,
  'GET /api/v1/scores/reliability': reliabilityQuery,
  'GET /api/v1/problems/{id}/inquiry': inquiryQuery,
};

/** The routes anyone may call, and what the document says they need (api.md, Log and service). */
const PUBLIC: Record<string, Record<string, string[]>[]> = {
  'GET /healthz': [],
  'GET /api/docs': [],
  'POST /api/v1/session': [],
  // Anonymous on loopback, else an API token (never a session cookie).
  'GET /metrics': [{}, { token: [] }],
};

describe('GET /api/docs', () => {
  it('is public and an OpenAPI 3 document with both ways to authenticate', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
      token: { type: 'http', scheme: 'bearer' },
    });
  });

  it('says every route needs a session or a token, except the public ones, which say what they need', () => {
    expect(doc.security).toEqual([{ session: [] }, { token: [] }]);
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        expect(op.security, route).toEqual(PUBLIC[route]);
      }
    }
    for (const route of Object.keys(PUBLIC)) {
      const [method, path] = route.split(' ') as [string, string];
      expect(operation(method, path).security, route).toBeDefined();
    }
  });

  it('documents every route the app registers, and no other', () => {
    expect(documentedRoutes()).toEqual(registeredRoutes(s.app));
  });

  it('gives every operation a summary and a tag', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it('documents every request body with the zod schema that validates it', () => {
    const withBodies = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, op]) => op.requestBody !== undefined)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(withBodies).toEqual(Object.keys(BODIES).sort());
    for (const [route, schema] of Object.entries(BODIES)) {
      const [method, path] = route.split(' ') as [string, string];
      expect(bodySchema(method, path), route).toEqual(fromZod(schema));
    }
  });

  it('documents the report: reliability A–F, credibility 1–6, classification levels, strict objects, batches of 1 to 10,000', () => {
    const [batch, single] = bodySchema('POST', '/api/v1/problems/{id}/reports').anyOf as Record<
      string,
      Record<string, Record<string, unknown>>
    >[];
    expect(single!.properties!.reliability).toEqual({ type: 'string', enum: [...RELIABILITY_GRADES] });
    expect(RELIABILITY_GRADES).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(JSON.stringify(single!.properties!.credibility)).toContain(
      JSON.stringify([...CREDIBILITY_GRADES]),
    );
    expect(single!.properties!.classification).toMatchObject({ enum: [...CLEARANCES] });
    expect(single).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['id', 'indicator', 'observed', 'at'],
    });
    expect(batch).toMatchObject({ type: 'object', additionalProperties: false, required: ['reports'] });
    expect(batch!.properties!.reports).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      items: single,
    });
  });

  it('documents the strict bodies as closed (additionalProperties: false) and the role and clearance enums', () => {
    for (const route of [
      'POST /api/v1/session',
      'POST /api/v1/users',
      'POST /api/v1/tokens',
      'POST /api/v1/problems/{id}/reports/{reportId}/regrade',
    ]) {
      const [method, path] = route.split(' ') as [string, string];
      expect(bodySchema(method, path), route).toMatchObject({ type: 'object', additionalProperties: false });
    }
    const user = bodySchema('POST', '/api/v1/users') as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(user.properties.roles).toMatchObject({ type: 'array', items: { enum: [...ROLES] } });
    expect(user.properties.clearance).toMatchObject({ enum: [...CLEARANCES] });
    expect(user.required.sort()).toEqual(['password', 'roles', 'username']);
  });

  it('documents every query parameter with its zod schema, none required', () => {
    const withQueries = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, op]) => (op.parameters ?? []).some((p) => p.in === 'query'))
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(withQueries).toEqual(Object.keys(QUERIES).sort());
    for (const [route, schema] of Object.entries(QUERIES)) {
      const [method, path] = route.split(' ') as [string, string];
      const query = (operation(method, path).parameters ?? []).filter((p) => p.in === 'query');
      const expected = fromZod(schema) as { properties: Record<string, unknown> };
      expect(query.map((p) => p.name).sort(), route).toEqual(Object.keys(expected.properties).sort());
      for (const parameter of query) {
        expect(parameter.required, `${route} ${parameter.name}`).not.toBe(true);
        expect(parameter.schema, `${route} ${parameter.name}`).toEqual(expected.properties[parameter.name]);
      }
    }
    const ignored = operation('GET', '/api/v1/problems/{id}/assessment').parameters!.find(
      (p) => p.name === 'ignored',
    )!;
    expect(ignored.schema).toMatchObject({ enum: ['list', 'count'] });
    const limit = operation('GET', '/api/v1/events').parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ maximum: 10_000 });
  });

  it('documents every path parameter as required', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(operations)) {
        const inPath = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(
          inPath.map((p) => p.name),
          `${method} ${path}`,
        ).toEqual(names);
        for (const parameter of inPath)
          expect(parameter.required, `${method} ${path} ${parameter.name}`).toBe(true);
      }
    }
  });
});
