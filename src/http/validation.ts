/**
 * Request validation with the zod schemas that also describe the routes in the OpenAPI
 * document: one schema, two uses. Every issue is reported with a JSON Pointer; the pointers of
 * the query, path parameters and headers are prefixed with `/query`, `/params`, `/headers`.
 */
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { pointer, type Issue } from '../core/issues.js';
import { issuesFromZod } from '../core/problem-schema.js';
import { RequestInvalid } from './errors.js';

const PREFIX: Readonly<Record<string, string>> = { body: '', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * The issues of `data` against `schema`. For a union of object shapes (one report, or a batch)
 * the issues are those of the option that fits best, not zod's "no option matched".
 */
export function schemaIssues(schema: z.ZodType, data: unknown, prefix: readonly string[] = []): Issue[] | undefined {
  const parsed = schema.safeParse(data, { reportInput: true });
  if (parsed.success) return undefined;
  if (schema instanceof z.ZodUnion) {
    const candidates = (schema.options as z.ZodType[]).map((option) => schemaIssues(option, data, prefix) ?? []);
    return candidates.reduce((best, issues) => (issues.length < best.length ? issues : best));
  }
  return issuesFromZod(parsed.error, prefix);
}

/**
 * For a union of object shapes, the first option whose fields include every key of `data`
 * (one report, or `{"reports": [...]}`): parsing it alone spares building the errors of the
 * options that cannot match. Undefined when no option fits or the schema is not such a union.
 */
function fittingOption(schema: z.ZodType, data: unknown): z.ZodType | undefined {
  if (!(schema instanceof z.ZodUnion) || typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const keys = Object.keys(data);
  for (const option of schema.options as z.ZodType[]) {
    if (option instanceof z.ZodObject && keys.every((key) => Object.hasOwn(option.shape, key))) return option;
  }
  return undefined;
}

/** Fastify's validator compiler over zod schemas. */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const prefix = PREFIX[httpPart ?? 'body'] ?? '';
  if (httpPart === 'headers' && schema instanceof z.ZodObject) {
    // Only the headers the schema names are checked (a request carries many others), and the
    // request keeps all of its headers: parsing would strip the ones not named.
    const names = Object.keys(schema.shape as Record<string, unknown>);
    return (data: unknown) => {
      const headers = (data ?? {}) as Record<string, unknown>;
      const named: Record<string, unknown> = {};
      for (const name of names) if (headers[name] !== undefined) named[name] = headers[name];
      const parsed = schema.safeParse(named, { reportInput: true });
      if (parsed.success) return { value: data };
      return { error: new RequestInvalid(issuesFromZod(parsed.error, [prefix])) };
    };
  }
  return (data: unknown) => {
    const parsed = (fittingOption(schema, data) ?? schema).safeParse(data, { reportInput: true });
    if (parsed.success) return { value: parsed.data };
    const issues = schemaIssues(schema, data, prefix === '' ? [] : [prefix]) ?? [];
    return { error: new RequestInvalid(issues) };
  };
};

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** Enough pointers to show a client what is wrong; the scan stops there. */
const MAX_NUL_ISSUES = 100;

/** A value in the scan, with the way back to the root (paths are built only for the values at fault). */
interface Visit {
  readonly value: unknown;
  readonly key?: string | number;
  readonly parent?: Visit;
}

function pointerTo(prefix: readonly string[], visit: Visit, key?: string): string {
  const keys: (string | number)[] = key === undefined ? [] : [key];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.push(v.key);
  return pointer([...prefix, ...keys.reverse()]);
}

/**
 * The pointers of the strings (member names and values) holding U+0000 in `data`, at most
 * MAX_NUL_ISSUES. PostgreSQL text cannot store that character, so a request carrying it is
 * refused on every store alike instead of failing (5xx) on one. Linear in the size of `data`
 * whatever its nesting (no recursion, no path copied per level).
 */
export function nulIssues(data: unknown, prefix: readonly string[] = []): Issue[] {
  const issues: Issue[] = [];
  const queue: Visit[] = [{ value: data }];
  for (let next = 0; next < queue.length && issues.length < MAX_NUL_ISSUES; next += 1) {
    const visit = queue[next]!;
    const value = visit.value;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) issues.push({ path: pointerTo(prefix, visit), message: NUL_MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => queue.push({ value: item, key: index, parent: visit }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) issues.push({ path: pointerTo(prefix, visit, key), message: `${NUL_MESSAGE} in its name` });
        queue.push({ value: item, key, parent: visit });
      }
    }
  }
  return issues;
}

/** Refuses (throws 400 REQUEST_INVALID) validated path parameters, query or body holding U+0000. */
export function refuseNul(request: FastifyRequest): void {
  const issues = [
    ...nulIssues(request.params, ['params']),
    ...nulIssues(request.query, ['query']),
    ...(request.routeOptions.schema?.body !== undefined ? nulIssues(request.body) : []),
  ];
  if (issues.length > 0) throw new RequestInvalid(issues);
}
