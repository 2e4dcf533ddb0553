/** Member names JSON.parse lets through: a name given twice in one object, and `__proto__`. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberNameIssue } from '../../src/core/json-members.js';

describe('memberNameIssue', () => {
  it('names the first repeated member by its JSON Pointer', () => {
    expect(memberNameIssue('{"a":1,"a":2}')).toEqual({ path: '/a', message: 'is given twice in the same object' });
    expect(memberNameIssue('{"reports":[{"id":"x"},{"id":"y","observed":"present","observed":"absent"}]}')).toEqual({
      path: '/reports/1/observed',
      message: 'is given twice in the same object',
    });
    // Written differently, the same name.
    expect(memberNameIssue('{"id":"x","\\u0069d":"y"}')?.path).toBe('/id');
    // Pointer escapes, and names with quotes, commas and brackets inside them.
    expect(memberNameIssue('{"a/b~":{"q\\"x,[{":1,"q\\"x,[{":2}}')?.path).toBe('/a~1b~0/q"x,[{');
    expect(memberNameIssue('[[],[{}],{"z":[1,2,{"k":1,"k":1}]}]')?.path).toBe('/2/z/2/k');
  });

  it('refuses a member named __proto__, however it is written', () => {
    expect(memberNameIssue('{"a":{"__proto__":{"admin":true}}}')).toEqual({ path: '/a/__proto__', message: 'a member named "__proto__" is not accepted' });
    expect(memberNameIssue('{"\\u005f_proto__":1}')?.path).toBe('/__proto__');
    // As a value it is only a string.
    expect(memberNameIssue('{"text":"__proto__"}')).toBeUndefined();
    // Left to the caller, only repeats are looked for.
    expect(memberNameIssue('{"__proto__":1}', true)).toBeUndefined();
    expect(memberNameIssue('{"__proto__":1,"__proto__":2}', true)?.path).toBe('/__proto__');
  });

  it('finds nothing in JSON without repeated names, and finds a repeat put anywhere', () => {
    const name = fc.string({ maxLength: 6 }).filter((s) => s !== '__proto__');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(name, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const text = JSON.stringify(value);
        expect(memberNameIssue(text)).toBeUndefined();
        // The same with whitespace around every token.
        expect(memberNameIssue(JSON.stringify(value, null, 2))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.dictionary(name, fc.jsonValue(), { minKeys: 1, maxKeys: 5 }), fc.nat(), (object, pick) => {
        const keys = Object.keys(object);
        const repeated = keys[pick % keys.length]!;
        const text = JSON.stringify(object).slice(0, -1) + `,${JSON.stringify(repeated)}:0}`;
        const wrapped = `{"outer":[1,${text}]}`;
        // (jsonValue may nest a "__proto__" member: only the repeat is looked for here.)
        expect(memberNameIssue(wrapped, true)?.path).toBe(`/outer/1/${repeated.replaceAll('~', '~0').replaceAll('/', '~1')}`);
      }),
      { numRuns: 500 },
    );
  });
});
