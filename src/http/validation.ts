/**
 * Request validation with the zod schemas that also describe the routes in the OpenAPI
 * document: one schema, two uses. Every issue is reported with a JSON Pointer; the pointers of
 * the query, path parameters and headers are prefixed with `/query`, `/params`, `/headers`.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { Issue } from '../core/issues.js';
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
  return (data: unknown) => {
    const parsed = (fittingOption(schema, data) ?? schema).safeParse(data, { reportInput: true });
    if (parsed.success) return { value: parsed.data };
    const issues = schemaIssues(schema, data, prefix === '' ? [] : [prefix]) ?? [];
    return { error: new RequestInvalid(issues) };
  };
};
