/**
 * The canonical JSON writer and checker, held to the `canonicalize` package (RFC 8785 by one
 * of its authors) on the RFC's own examples and on generated values and texts.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isVigilError } from '../../src/core/errors.js';
import { canonicalValueEnd, plainIntegerEnd, plainStringEnd, scanCanonicalObject } from '../../src/log/jcs-scanner.js';
import { encodeJcs } from '../../src/log/jcs.js';

/** Characters that make JSON interesting: escapes, controls, non-BMP, digits, punctuation. */
const char = fc.oneof(
  fc.constantFrom(
    'a',
    'b',
    'z',
    '0',
    '1',
    '9',
    '-',
    '.',
    '"',
    '\\',
    '/',
    '\n',
    '\t',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u2028',
    'é',
    '€',
    '\ufb33',
    '😀',
    '\u0080',
  ),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
);
const text = fc.array(char, { maxLength: 8 }).map((chars) => chars.join(''));
const key = fc.oneof(
  text,
  fc.constantFrom('1', '10', '9', '0', '01', '-1', '4294967294', '4294967295', 'toJSON', '__proto__x'),
);
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(
    0,
    -0,
    1e21,
    1e-7,
    123456789012345680000,
    5e-324,
    1.7976931348623157e308,
    0.1,
    Number('333333333.33333329'),
  ),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    number,
    text,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
})).value;
const jsonObject = fc.dictionary(key, json, { maxKeys: 6 });

/** True when `t` is exactly the canonical text of a JSON object. */
function isCanonicalObject(t: string): boolean {
  try {
    const value: unknown = JSON.parse(t);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && canonicalize(value) === t;
  } catch {
    return false;
  }
}

describe('encodeJcs', () => {
  test('keeps a member named "__proto__" when it reorders members', () => {
    // JSON.parse makes "__proto__" an own member; sorting must not turn it into a prototype.
    for (const text of ['{"b":1,"__proto__":0}', '{"z":{"y":true,"__proto__":{"a":1}}}', '{"__proto__":null,"1":2}']) {
      const value: unknown = JSON.parse(text);
      expect(encodeJcs(value)).toBe((canonicalize as unknown as (v: unknown) => string)(value));
      expect(encodeJcs(value)).toContain('"__proto__"');
    }
  });

  test('gives the output of RFC 8785 section 3.2.2 for its example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(encodeJcs(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('sorts member names by UTF-16 code units, as RFC 8785 section 3.2.3 shows', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '😀': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      ö: 'Latin Small Letter O With Diaeresis',
    };
    const names = Object.keys(JSON.parse(encodeJcs(input)) as object);
    // JSON.parse puts the array index "1" first again; compare the text order instead.
    expect(encodeJcs(input).indexOf('"\\r"')).toBeLessThan(encodeJcs(input).indexOf('"1"'));
    expect(names).toHaveLength(7);
    expect(encodeJcs(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test('orders array-index names as text, not as numbers', () => {
    expect(encodeJcs({ b: 1, 10: 2, 9: 3, a: { 2: 0, 10: 1 } })).toBe(
      '{"10":2,"9":3,"a":{"10":1,"2":0},"b":1}',
    );
  });

  test('agrees with canonicalize on generated JSON', () => {
    fc.assert(
      fc.property(json, (value) => encodeJcs(value) === canonicalize(value)),
      { numRuns: 3000 },
    );
  });

  test('leaves out undefined members and never changes its input', () => {
    const input = { z: 1, a: { y: undefined, x: [3, { d: 1, c: 2 }] } };
    const before = JSON.stringify(input);
    expect(encodeJcs(input)).toBe('{"a":{"x":[3,{"c":2,"d":1}]},"z":1}');
    expect(JSON.stringify(input)).toBe(before);
    expect(Object.keys(input)).toEqual(['z', 'a']);
  });

  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const refused: [string, unknown, string][] = [
    ['NaN', { a: Number.NaN }, '/a'],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }, '/a/0'],
    ['-Infinity', { a: { b: Number.NEGATIVE_INFINITY } }, '/a/b'],
    ['undefined in an array', [1, undefined], '/1'],
    ['a function', { f: () => 1 }, '/f'],
    ['a symbol', { s: Symbol('s') }, '/s'],
    ['a bigint', { n: 1n }, '/n'],
    ['a Date', { d: new Date(0) }, '/d'],
    ['a Map', { m: new Map() }, '/m'],
    ['a class instance', { p: new Point() }, '/p'],
    ['a lone high surrogate', { s: 'a\ud800' }, '/s'],
    ['a lone low surrogate in a name', { 'a\udc00': 1 }, '/a\udc00'],
    ['a cycle', cyclic, '/self/self'],
    ['a name with / and ~', { 'a/b~c': Number.NaN }, '/a~1b~0c'],
  ];
  test.each(refused)('refuses %s with EVENT_INVALID naming the path', (_name, value, path) => {
    let error: unknown;
    try {
      encodeJcs(value);
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error, 'EVENT_INVALID')).toBe(true);
    expect((error as { details: { path: string } }).details.path.startsWith(path)).toBe(true);
  });

  test('accepts escaped surrogate look-alikes that are not lone surrogates', () => {
    expect(encodeJcs({ a: '\\ud800', b: '😀' })).toBe('{"a":"\\\\ud800","b":"😀"}');
  });
});

describe('scanCanonicalObject', () => {
  test('accepts the canonical text of any JSON object and locates its members', () => {
    fc.assert(
      fc.property(jsonObject, (value) => {
        const t = canonicalize(value) as string;
        const scan = scanCanonicalObject(t);
        if (!scan.ok) return false;
        const members = scan.members.map((m) => [
          m.key,
          JSON.parse(t.slice(m.valueStart, m.valueEnd)) as unknown,
        ]);
        const keyAt = scan.members.every(
          (m) =>
            JSON.parse(t.slice(m.keyStart, t.indexOf(':', m.keyStart + JSON.stringify(m.key).length - 1))) ===
            m.key,
        );
        expect(Object.fromEntries(members)).toEqual(JSON.parse(t));
        return keyAt;
      }),
      { numRuns: 2000 },
    );
  });

  const edits = fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      c: fc.constantFrom(
        ' ',
        '"',
        '\\',
        '0',
        '1',
        'e',
        'E',
        '.',
        '-',
        '+',
        ',',
        ':',
        '{',
        '}',
        '[',
        ']',
        'u',
        '/',
        'a',
        '\u0001',
        '\ud800',
        '\udc00',
      ),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
  );
  test('says "canonical" exactly when canonicalize(JSON.parse(text)) gives the text back', () => {
    fc.assert(
      fc.property(jsonObject, fc.array(edits, { minLength: 1, maxLength: 3 }), (value, changes) => {
        let t = canonicalize(value) as string;
        for (const change of changes) {
          const at = change.at % (t.length + 1);
          if (change.kind === 'insert') t = t.slice(0, at) + change.c + t.slice(at);
          else if (change.kind === 'delete') t = t.slice(0, at) + t.slice(at + 1);
          else if (at + 1 < t.length) t = t.slice(0, at) + t[at + 1] + t[at] + t.slice(at + 2);
        }
        return scanCanonicalObject(t).ok === isCanonicalObject(t);
      }),
      { numRuns: 5000 },
    );
  });

  test('canonicalValueEnd finds the end of a member value exactly when the whole object is canonical', () => {
    fc.assert(
      fc.property(jsonObject, fc.array(edits, { maxLength: 2 }), (value, changes) => {
        let t = canonicalize({ a: value }) as string;
        for (const change of changes) {
          const at = 5 + (change.at % (t.length - 5));
          if (change.kind === 'insert') t = t.slice(0, at) + change.c + t.slice(at);
          else if (change.kind === 'delete') t = t.slice(0, at) + t.slice(at + 1);
          else if (at + 1 < t.length) t = t.slice(0, at) + t[at + 1] + t[at] + t.slice(at + 2);
        }
        const end = canonicalValueEnd(t, 5, 1); // after {"a":
        const whole = end === t.length - 1 && t.endsWith('}');
        return whole === (t.startsWith('{"a":') && scanCanonicalObject(t).ok);
      }),
      { numRuns: 3000 },
    );
  });

  test('the fast paths for plain strings and small whole numbers agree with the scanner wherever they answer', () => {
    const digits = fc.array(fc.constantFrom('0', '1', '5', '9', '-', '.', 'e', 'E', '+', ','), { maxLength: 20 }).map((d) => d.join(''));
    // Lone and paired surrogates, escapes and controls, which no fast path may pass unchecked.
    const awkward = fc
      .array(fc.constantFrom('a', '\ud800', '\udc00', '😀', '\\', '\\"', '\u001f', '\u2028'), { maxLength: 6 })
      .map((c) => c.join(''));
    fc.assert(
      fc.property(fc.oneof(text, digits, awkward, number.map(String)), fc.constantFrom('', '"', ',', '}', '"x'), (body, after) => {
        for (const t of [`"${body}${after}`, `${body}${after}`]) {
          for (const [fast, kind] of [
            [plainStringEnd(t, 0), 'string'],
            [plainIntegerEnd(t, 0), 'integer'],
          ] as const) {
            if (fast < 0) continue;
            // What the fast path accepted the scanner accepts, ending at the same offset.
            expect(canonicalValueEnd(t, 0, 1), `${kind} ${JSON.stringify(t)}`).toBe(fast);
          }
        }
      }),
      { numRuns: 5000 },
    );
    // They answer for the common case, and refuse what they do not judge themselves.
    expect(plainStringEnd('"abc",', 0)).toBe(5);
    expect(plainStringEnd('"a\\n"', 0)).toBe(-1);
    expect(plainStringEnd('"\ud83d\ude00"', 0)).toBe(-1);
    expect(plainStringEnd('"abc', 0)).toBe(-1);
    expect(plainIntegerEnd('123,', 0)).toBe(3);
    expect(plainIntegerEnd('0,', 0)).toBe(1);
    expect(plainIntegerEnd('012', 0)).toBe(-1);
    expect(plainIntegerEnd('1.5', 0)).toBe(-1);
    expect(plainIntegerEnd('1e3', 0)).toBe(-1);
    expect(plainIntegerEnd('1234567890123456', 0)).toBe(-1);
    expect(plainIntegerEnd('-1', 0)).toBe(-1);
  });

  const texts: [string, boolean][] = [
    ['{}', true],
    ['{"a":1}', true],
    ['{"a":1,"b":[true,false,null,"x",{}]}', true],
    ['{"10":1,"9":2}', true],
    ['{"a":1e+21,"b":1e-7,"c":-0.5}', true],
    ['{"a":"\\u001f\\n\\"\\\\"}', true],
    ['{"a":"😀"}', true],
    ['', false],
    ['[]', false],
    ['{"a":1} ', false],
    ['{ "a":1}', false],
    ['{"a": 1}', false],
    ['{"b":1,"a":2}', false],
    ['{"a":1,"a":1}', false],
    ['{"9":1,"10":2}', false],
    ['{"a":1.0}', false],
    ['{"a":-0}', false],
    ['{"a":1E3}', false],
    ['{"a":1e21}', false],
    ['{"a":01}', false],
    ['{"a":.5}', false],
    ['{"a":1e400}', false],
    ['{"a":"\\/"}', false],
    ['{"a":"\\u0041"}', false],
    ['{"a":"\\u001F"}', false],
    ['{"a":"\\u000a"}', false],
    ['{"a":"\\ud83d\\ude00"}', false],
    ['{"a":"\\ud800"}', false],
    ['{"a":"\ud800"}', false],
    ['{"a":"\u0001"}', false],
    ['{"a":tru}', false],
    ['{"a":1', false],
    ['{"a":"x}', false],
    ['{"a":[1,]}', false],
    ['{a:1}', false],
  ];
  test.each(texts)('%j: canonical %s', (t, expected) => {
    expect(scanCanonicalObject(t).ok).toBe(expected);
    expect(isCanonicalObject(t)).toBe(expected);
  });

  test('refuses nesting deeper than 256 without running out of stack', () => {
    const deep = '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    expect(scanCanonicalObject(deep)).toMatchObject({ ok: false, reason: expect.stringContaining('deeper') });
  });
});
