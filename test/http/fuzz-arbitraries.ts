/**
 * Generators of hostile HTTP requests for the fuzz tests (`fuzz.test.ts`): random and
 * near-valid JSON bodies, malformed JSON text, wrong content types, hostile path parameters,
 * query strings and headers. Bodies are built as JSON *text*, so that a member named
 * `__proto__` is a member (a JavaScript object literal would set the prototype instead) and a
 * number can be a token JSON.parse reads as Infinity (`1e309`) or -0.
 */
import fc from 'fast-check';

/** A JSON object as its members, in order: any key, `__proto__` included, is a plain member. */
export class JsonObject {
  constructor(readonly members: readonly (readonly [string, JsonText])[]) {}
}

/** A number token written as it is: `1e309`, `-0`, `1E-400`, 30 digits. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON to be written as text. */
export type JsonText = null | boolean | number | string | RawNumber | JsonObject | readonly JsonText[];

/** The JSON text of a value (a non-finite number is written as JavaScript would: `NaN`, `Infinity`). */
export function encode(value: JsonText): string {
  if (value instanceof RawNumber) return value.text;
  if (value instanceof JsonObject)
    return `{${value.members.map(([k, v]) => `${JSON.stringify(k)}:${encode(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  return JSON.stringify(value);
}

/** A plain JSON value (from a fixture) as JsonText. */
export function fromPlain(value: unknown): JsonText {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
    return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object')
    return new JsonObject(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromPlain(v)] as const),
    );
  return null;
}

/** One mebibyte of text. */
export const HUGE = 'A'.repeat(1024 * 1024);

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** What a prototype-pollution payload writes, were it to land on a prototype. */
export const POLLUTION_MARKERS = ['polluted', 'isAdmin', 'fuzzPolluted'] as const;

export const SQL_FRAGMENTS = [
  "' OR 1=1 --",
  '"; DROP TABLE proj_reports; --',
  "'; DELETE FROM auth_users; --",
  "tiny' OR '1'='1",
  '1; SELECT * FROM auth_tokens',
  "' UNION SELECT password_hash FROM auth_users --",
  '%',
  '_',
] as const;

export const TRAVERSAL = [
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2fetc%2fpasswd',
  '%252e%252e%252fetc%252fpasswd',
  '....//....//etc/passwd',
  '/etc/passwd',
  'file:///etc/passwd',
  '..',
  '.',
] as const;

export const ABSURD_DATES = [
  '+275760-09-13T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '0000-00-00',
  '0000-00-00T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00-23:59',
  '2023-02-30T00:00:00Z',
  '2023-02-29T00:00:00.000Z',
  '2023-13-01T00:00:00Z',
  '2023-10-07T24:00:00Z',
  '2023-10-07T23:59:60Z',
  '2023-10-07T03:12:44.123456789Z',
  '2023-10-07T03:12:44,5+03',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-23:59',
  '1969-12-31T23:59:59.999Z',
  '2023-10-07',
  '2023-10-07T03:12:44',
  '2023-10-07T03:12:44Z\u0000',
  '2023-10-07T03:12:44+99:99',
  '٢٠٢٣-١٠-٠٧T03:12:44Z',
  'yesterday',
  'T',
] as const;

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\uD800',
  '\uDFFF\uD800',
  '💣',
  '\u202Eevil',
  'ＡＤＭＩＮ',
  '\r\n\r\n',
  'null',
  'undefined',
  'NaN',
  'true',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '%00',
  '%zz',
  'admin',
  'tiny',
  'scouts',
  'SECRET',
  'TOP SECRET',
  'viewer',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'x'.repeat(65),
  'x'.repeat(201),
  'x'.repeat(513),
  'x'.repeat(2001),
] as const;

/** Strings a client might send to break something (not the 1 MiB one: see `hostileValue`). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_FRAGMENTS, ...TRAVERSAL, ...ABSURD_DATES, ...WEIRD_STRINGS, ...PROTO_KEYS),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

/** Numbers at the edges, some as tokens JavaScript cannot write back (`1e309` is Infinity). */
export const hostileNumber: fc.Arbitrary<number | RawNumber> = fc.oneof(
  fc.constantFrom<number | RawNumber>(
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    2,
    6,
    7,
    1e308,
    -1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    1e21,
    new RawNumber('1e309'),
    new RawNumber('-1e309'),
    new RawNumber('1E400'),
    new RawNumber('-0'),
    new RawNumber('-0.0'),
    new RawNumber('1e-400'),
    new RawNumber('123456789012345678901234567890'),
    new RawNumber('0.99999999999999999999'),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** A prototype-pollution payload: `{"polluted": "yes", "isAdmin": true, ...}`. */
const pollution: JsonText = new JsonObject([
  ['polluted', 'yes'],
  ['isAdmin', true],
  ['fuzzPolluted', new JsonObject([['roles', ['admin']]])],
  ['toString', 'broken'],
]);

const protoPayload: fc.Arbitrary<JsonText> = fc.constantFrom(
  new JsonObject([['__proto__', pollution]]),
  new JsonObject([['constructor', new JsonObject([['prototype', pollution]])]]),
  new JsonObject([['prototype', pollution]]),
  pollution,
);

const scalar: fc.Arbitrary<JsonText> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hostileNumber,
  hostileString,
);

/** Random JSON, its object keys drawn from `keys` (the route's own fields), prototype keys and noise. */
export function jsonValue(keys: readonly string[]): fc.Arbitrary<JsonText> {
  const key = fc.oneof(
    { weight: 3, arbitrary: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('id') },
    { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
    { weight: 1, arbitrary: hostileString },
  );
  const { value } = fc.letrec<{ value: JsonText }>((tie) => ({
    value: fc.oneof(
      { maxDepth: 4, depthSize: 'small' },
      scalar,
      protoPayload,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map((members) => new JsonObject(members)),
    ),
  }));
  return value;
}

/** Where a value sits in a JSON tree: object keys and array indexes. */
type JsonPath = readonly (string | number)[];

function pathsOf(value: JsonText, at: JsonPath = []): JsonPath[] {
  const own: JsonPath[] = [at];
  if (value instanceof JsonObject)
    return own.concat(value.members.flatMap(([k, v]) => pathsOf(v, [...at, k])));
  if (Array.isArray(value))
    return own.concat((value as readonly JsonText[]).flatMap((v, i) => pathsOf(v, [...at, i])));
  return own;
}

type Mutation =
  | { kind: 'set'; value: JsonText }
  | { kind: 'retype'; text: string; number: number | RawNumber; flag: boolean }
  | { kind: 'delete' }
  | { kind: 'add'; key: string; value: JsonText }
  | { kind: 'rename'; index: number; to: string };

/** Every distinct string of a JSON tree, member names included. */
function stringsOf(value: JsonText, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (value instanceof JsonObject) value.members.forEach(([k, v]) => (into.add(k), stringsOf(v, into)));
  else if (Array.isArray(value)) (value as readonly JsonText[]).forEach((v) => stringsOf(v, into));
  return into;
}

/** `from` replaced by `to` everywhere, as a value and as a member name: ids stay consistent (a hypothesis and its likelihood keys). */
function renameAll(value: JsonText, from: string, to: string): JsonText {
  if (value === from) return to;
  if (value instanceof JsonObject)
    return new JsonObject(
      value.members.map(([k, v]) => [k === from ? to : k, renameAll(v, from, to)] as const),
    );
  if (Array.isArray(value)) return (value as readonly JsonText[]).map((v) => renameAll(v, from, to));
  return value;
}

function mutateAt(value: JsonText, path: JsonPath, mutation: Mutation): JsonText {
  const [head, ...rest] = path;
  if (head === undefined) {
    if (mutation.kind === 'set') return mutation.value;
    // Same type, edge value: often still valid, so the body reaches the handler and the store.
    if (mutation.kind === 'retype')
      return typeof value === 'string'
        ? mutation.text
        : typeof value === 'number'
          ? mutation.number
          : typeof value === 'boolean'
            ? mutation.flag
            : value;
    if (mutation.kind === 'add' && value instanceof JsonObject)
      return new JsonObject([...value.members, [mutation.key, mutation.value]]);
    if (mutation.kind === 'add' && Array.isArray(value))
      return [...(value as readonly JsonText[]), mutation.value];
    return value;
  }
  if (value instanceof JsonObject) {
    if (rest.length === 0 && mutation.kind === 'delete')
      return new JsonObject(value.members.filter(([k]) => k !== head));
    return new JsonObject(
      value.members.map(([k, v]) => [k, k === head ? mutateAt(v, rest, mutation) : v] as const),
    );
  }
  if (Array.isArray(value)) {
    const list = value as readonly JsonText[];
    if (rest.length === 0 && mutation.kind === 'delete') return list.filter((_, i) => i !== head);
    return list.map((v, i) => (i === head ? mutateAt(v, rest, mutation) : v));
  }
  return value;
}

/**
 * A valid body with one to three mutations anywhere in it: a value replaced by a hostile or
 * wrongly typed one, or by an edge value of its own type (SQL in an id, year 0000 in a date),
 * a member deleted, an unknown or prototype key added (`extraKeys` are the route's optional
 * fields, so a mutation may also add a real field with a bad value).
 */
export function nearValid(template: JsonText, extraKeys: readonly string[]): fc.Arbitrary<JsonText> {
  const paths = pathsOf(template);
  const strings = [...stringsOf(template)];
  const bad = fc.oneof(scalar, protoPayload, jsonValue(extraKeys), fc.constant<JsonText>(HUGE));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: bad.map((value) => ({ kind: 'set' as const, value })) },
    {
      weight: 5,
      arbitrary: fc
        .record({ text: hostileString, number: hostileNumber, flag: fc.boolean() })
        .map((r) => ({ kind: 'retype' as const, ...r })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ index: fc.nat(), to: hostileString })
        .map((r) => ({ kind: 'rename' as const, ...r })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.constantFrom(...PROTO_KEYS, ...(extraKeys.length > 0 ? extraKeys : ['x'])),
            hostileString,
          ),
          fc.oneof(bad, protoPayload),
        )
        .map(([key, value]) => ({ kind: 'add' as const, key, value })),
    },
  );
  return fc
    .array(fc.tuple(fc.nat({ max: paths.length - 1 }), mutation), { minLength: 1, maxLength: 3 })
    .map((steps) =>
      steps.reduce<JsonText>((body, [index, m]) => {
        if (m.kind !== 'rename') return mutateAt(body, paths[index] ?? [], m);
        const from = strings[m.index % Math.max(1, strings.length)];
        return from === undefined ? body : renameAll(body, from, m.to);
      }, template),
    );
}

/** JSON text that is not JSON, or not what a route expects at the top: truncated, trailing commas, BOM... */
export function malformedText(template: JsonText): fc.Arbitrary<string | Buffer> {
  const text = encode(template);
  return fc.oneof(
    fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)),
    fc.constant(text.replace(/}$/, ',}')),
    fc.constant(text.replace(/]/, ',]')),
    fc.constant('\uFEFF' + text),
    fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    fc.constant(text.replaceAll('"', "'")),
    fc.constant(text.replace(/:("[^"]*"|[^,}\]]+)/, ':NaN')),
    fc.constant(text.replace(/:("[^"]*"|[^,}\]]+)/, ':undefined')),
    fc.constant(text.replace(/^\{/, '{/* comment */')),
    fc.constant(text.replace(/^\{/, '{"id":1,"id":2,')),
    fc.constant(text.replace(/"([^"]*)"/, '"$1\u0001\n"')),
    fc.constant(text + text),
    fc.constant(text + '\u0000'),
    fc.constantFrom(
      '',
      ' ',
      'null',
      'true',
      '0',
      '-0',
      '1e309',
      '"string"',
      '[]',
      '[{}]',
      '{}',
      '{',
      '}',
      '{"',
      '{"a":}',
      '{,}',
      '[,]',
      'nul',
      '\u0000',
    ),
    fc.constantFrom(
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":{"__proto__":{"polluted":"yes"}}}',
      '[{"__proto__":{"polluted":"yes"}}]',
      '{"\\u005f\\u005fproto__":{"polluted":"yes"}}',
      '{"reports":[{"__proto__":{"isAdmin":true}}]}',
    ),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

/** Bodies that cost the server: deep nesting, a 1 MiB string, many keys, a too-large batch. */
export const heavyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(1_000, 100_000).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.constantFrom(1_000, 50_000).map((n) => '{"reports":'.repeat(n) + '[]' + '}'.repeat(n)),
  fc.constant('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)),
  fc.constant('{"id":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}'),
  fc.constant(JSON.stringify(HUGE)),
  fc.constant(JSON.stringify({ id: HUGE })),
  fc.constant(JSON.stringify({ text: HUGE.slice(0, 200_000), id: 'x' })),
  fc.constant('{' + Array.from({ length: 20_000 }, (_, i) => `"k${i}":0`).join(',') + '}'),
  fc.constant(JSON.stringify({ reports: Array.from({ length: 10_001 }, () => ({})) })),
  fc.constant(JSON.stringify({ id: 'x'.repeat(2 * 1024 * 1024) })),
);

/** Content types: mostly JSON (so bodies reach validation), else wrong or broken. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/json;;;',
      'application/json, text/plain',
      'application/vnd.api+json',
      'application/x-ndjson',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'multipart/form-data',
      'application/octet-stream',
      'application/xml',
      '',
      ' ',
      '*/*',
      'application/',
      '/json',
      'application/json\u00ff',
      'a'.repeat(2000),
    ),
  },
);

/** A header value a client can put on the wire (visible Latin-1: no CR, LF or NUL). */
export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c < 0x7f || c > 0x9f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 20,
  }),
  fc.constantFrom("' OR 1=1 --", '../../etc/passwd', '%00', '%zz', '\t', 'null', 'x'.repeat(513)),
);

/** Garbage in the headers that matter: Authorization, X-CSRF-Token, Cookie, and others. */
export const headerGarbage: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc
    .oneof(
      headerText.map((t) => `Bearer ${t}`),
      headerText,
      fc.constantFrom(
        'Bearer ',
        'Bearer',
        'bearer vigil_x',
        'Basic YWRtaW46YWRtaW4=',
        `Bearer ${'A'.repeat(100_000)}`,
        'Bearer vigil_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'Bearer vigil_ffffffffffffffffffffffffffffffff_' + '_'.repeat(43),
        "Bearer ' OR 1=1 --",
        'Bearer ../../etc/passwd',
        'Bearer a b c',
      ),
    )
    .map((authorization) => ({ authorization })),
  fc
    .oneof(headerText, fc.constantFrom('', HUGE, 'A'.repeat(43), 'x'.repeat(201)))
    .map((token) => ({ 'x-csrf-token': token })),
  fc
    .oneof(
      headerText.map((t) => `vigil_session=${t}`),
      headerText,
      fc.constantFrom(
        'vigil_session=',
        'vigil_session=%',
        'vigil_session=%E0%A4%A',
        'vigil_session="unterminated',
        'vigil_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'vigil_session=a; vigil_session=b',
        '=; ;;=;',
        '__proto__=x; constructor=y',
        `vigil_session=${'A'.repeat(100_000)}`,
      ),
    )
    .map((cookie) => ({ cookie })),
  fc.dictionary(
    fc.constantFrom(
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-forwarded-host',
      'host',
      'accept',
      'accept-encoding',
      'accept-language',
      'origin',
      'referer',
      'user-agent',
      'x-requested-with',
      'if-none-match',
      'if-modified-since',
      'range',
      'expect',
      'content-encoding',
      'x-http-method-override',
    ),
    headerText,
    { maxKeys: 4 },
  ),
  fc.record(
    {
      'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip, gzip', 'x-unknown'),
      range: fc.constantFrom(
        'bytes=0-0',
        'bytes=-1',
        'bytes=5-1',
        'bytes=0-0,1-1,2-2,3-3',
        'bytes=99999999999999999999-',
        'bytes=-0',
        'lines=1-2',
      ),
      'if-none-match': fc.constantFrom('*', '"x"', 'W/"x"'),
      'if-modified-since': fc.constantFrom(
        'Thu, 01 Jan 1970 00:00:00 GMT',
        'garbage',
        '+275760-09-13T00:00:00Z',
      ),
      'accept-encoding': fc.constantFrom('gzip', 'br;q=1, gzip;q=0.5', '*;q=0', 'identity;q=0'),
    },
    { requiredKeys: [] },
  ),
);

/**
 * Percent-encoding that never throws: a lone surrogate (which encodeURIComponent refuses) is
 * written as the bytes of its WTF-8 form, which are not UTF-8, as a hostile client could.
 */
export function percentEncode(text: string): string {
  return Array.from(text, (c) =>
    c.length === 1 && c >= '\uD800' && c <= '\uDFFF' ? '%ED%A0%80' : encodeURIComponent(c),
  ).join('');
}

/** A path parameter: one of the route's real values, or hostile text, percent-encoded or raw. */
export function pathParam(valid: readonly string[]): fc.Arbitrary<string> {
  const encoded = hostileString.map(percentEncode);
  const raw = fc.constantFrom(
    ...TRAVERSAL,
    ...SQL_FRAGMENTS.map(percentEncode),
    '%zz',
    '%',
    '%00',
    '%C0%AF',
    '%uD800',
    'a%2Fb',
    '%2F',
    'x'.repeat(501),
    'x'.repeat(500),
    '__proto__',
    'constructor',
    'prototype',
    '.',
    '..',
  );
  return fc.oneof(
    { weight: 3, arbitrary: valid.length > 0 ? fc.constantFrom(...valid) : encoded },
    { weight: 3, arbitrary: encoded },
    { weight: 2, arbitrary: raw },
  );
}

/** A query string (without `?`): the route's fields with good or hostile values, repeated keys, brackets, raw garbage. */
export function queryString(fields: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<string> {
  const names = Object.keys(fields);
  const key = fc.oneof(
    { weight: 4, arbitrary: names.length > 0 ? fc.constantFrom(...names) : fc.constant('at') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        '__proto__[polluted]',
        'constructor[prototype][polluted]',
        'a[]',
        'a[0]',
        'toString',
        'hasOwnProperty',
        '',
      ),
    },
    { weight: 1, arbitrary: hostileString },
  );
  const valid = names.flatMap((name) => (fields[name] ?? []).map((v) => [name, v] as const));
  const value = fc.oneof(
    {
      weight: 2,
      arbitrary: valid.length > 0 ? fc.constantFrom(...valid.map(([, v]) => v)) : fc.constant('1'),
    },
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: hostileNumber.map((n) => (n instanceof RawNumber ? n.text : String(n))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'NaN',
        'Infinity',
        '-Infinity',
        '0x10',
        '1e3',
        ' 1',
        '1 ',
        '+1',
        '1.0',
        '9007199254740993',
        '-0',
        HUGE.slice(0, 100_000),
      ),
    },
  );
  const pairs = fc
    .array(fc.tuple(key, value), { maxLength: 5 })
    .map((list) => list.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&'));
  const repeated = fc
    .tuple(key, fc.array(value, { minLength: 2, maxLength: 4 }))
    .map(([k, vs]) => vs.map((v) => `${percentEncode(k)}=${percentEncode(v)}`).join('&'));
  const good =
    valid.length > 0
      ? fc.subarray([...valid]).map((list) => list.map(([k, v]) => `${k}=${percentEncode(v)}`).join('&'))
      : fc.constant('');
  const raw = fc.constantFrom(
    '%',
    '%zz',
    '&&&',
    '=',
    '==',
    'at',
    'at=',
    'at&at',
    '%00=%00',
    'a=%E0%A4%A',
    '__proto__=1&__proto__=2',
    `at=${'%41'.repeat(10_000)}`,
    ';;;',
    '?',
  );
  return fc.oneof(good, pairs, repeated, raw);
}
