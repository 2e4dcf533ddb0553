/**
 * CAP 1.2 alerts of warning versions (src/warn/cap.ts) and their Atom feed: every alert of an
 * open, updated and closed warning validates against the OASIS schema; the mappings are
 * table-driven and checkable by hand; every text is escaped; and the xmllint we validate with
 * never expands the entities of a hostile document (the XXE example of the CAP standard).
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LEVEL_COLOURS, LEVEL_TONES, levelColour, levelTone } from '../../src/core/level-colours.js';
import {
  DEFAULT_CAP_RESTRICTION,
  DEFAULT_CAP_SENDER,
  capAlert,
  capCertainty,
  capDateTime,
  capIdentifier,
  capSeverity,
  capUrgency,
  isCapSender,
  type CapSettings,
  type CapSubject,
} from '../../src/warn/cap.js';
import { capFeed, uuidUrn } from '../../src/warn/cap-feed.js';
import type { Judgment } from '../../src/warn/warning-decision.js';
import { CAP_DIR, CAP_XSD, needXmllint, validateCap, wellFormed, xmllint, xmllintAsync } from './xmllint.js';

const SETTINGS: CapSettings = { sender: DEFAULT_CAP_SENDER, restriction: DEFAULT_CAP_RESTRICTION };
const WARNING = '0b6f8a52-3c0e-4a57-9d53-2f1c8e7b9a10';
/** CAP 1.2, 3.3.2: whole seconds, a numeric offset, never `Z`. */
const CAP_SENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;

const judgment = (over: Partial<Judgment> = {}): Judgment => ({
  at: '2023-10-07T06:00:00.123Z',
  level: 'warning',
  levelIndex: 1,
  pDangerous: 0.8421052631578947,
  words: 'very likely',
  leading: 'strike',
  evidence: [{ report: 'secret-report-1', impact: 2.1, flips: true }],
  collect: [{ indicator: 'trucks', eig: 0.2, pDangerousIfPresent: 0.9, pDangerousIfAbsent: 0.4 }],
  ...over,
});

const VERSIONS = [
  { version: 1, at: '2023-10-07T06:00:00.123Z', reason: 'opened' },
  { version: 2, at: '2023-10-07T06:05:30.999Z', reason: 'material-change' },
  { version: 3, at: '2023-10-07T07:00:00.000Z', reason: 'all-clear' },
];

const PROBLEM = {
  id: 'tiny',
  title: 'Is the bridge going to be blown?',
  levels: 2,
  leadingTitle: 'A strike on the bridge',
};

function subject(version: number, over: Partial<CapSubject> = {}): CapSubject {
  return {
    warning: WARNING,
    state: version === 3 ? 'closed' : 'open',
    version,
    judgment:
      version === 3
        ? judgment({
            level: 'normal',
            levelIndex: 0,
            pDangerous: 0.031,
            words: 'almost no chance',
            leading: 'calm',
          })
        : judgment(),
    versions: VERSIONS.filter((v) => v.version <= version),
    problem: PROBLEM,
    ...over,
  };
}

/** The text of the first `<name>` element (our own output: no nesting of the same name). */
function field(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

function parameters(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(
    /<parameter>\s*<valueName>([^<]*)<\/valueName>\s*<value>([^<]*)<\/value>\s*<\/parameter>/g,
  ))
    out[m[1]!] = m[2]!;
  return out;
}

describe('a warning version as a CAP 1.2 alert', () => {
  it('the first version is an Alert: identifier per version, sent in CAP form, Security, certainty and the exact numbers as parameters', () => {
    const xml = capAlert(subject(1), SETTINGS);
    expect(field(xml, 'identifier')).toBe(`vigil-${WARNING}-1`);
    expect(field(xml, 'sender')).toBe('vigil@localhost');
    expect(field(xml, 'sent')).toBe('2023-10-07T06:00:00-00:00');
    expect(field(xml, 'sent')).toMatch(CAP_SENT);
    expect(field(xml, 'status')).toBe('Actual');
    expect(field(xml, 'msgType')).toBe('Alert');
    expect(field(xml, 'scope')).toBe('Restricted');
    expect(field(xml, 'restriction')).toBe(DEFAULT_CAP_RESTRICTION);
    expect(xml).not.toContain('<references>');
    expect(field(xml, 'category')).toBe('Security');
    expect(field(xml, 'event')).toBe('Is the bridge going to be blown?');
    expect(field(xml, 'responseType')).toBe('Assess');
    expect(field(xml, 'urgency')).toBe('Immediate');
    expect(field(xml, 'severity')).toBe('Severe');
    expect(field(xml, 'certainty')).toBe('Likely');
    expect(parameters(xml)).toEqual({
      pDangerous: '0.8421052631578947',
      level: 'warning',
      levelColour: '#CC3311',
      words: 'very likely',
      leadingHypothesis: 'strike',
    });
    expect(field(xml, 'headline')).toBe('warning: Is the bridge going to be blown?: very likely (84 %)');
    expect(field(xml, 'description')).toContain('A strike on the bridge (strike)');
  });

  it('names no report: the alert reaches readers of every clearance', () => {
    for (const version of [1, 2, 3])
      expect(capAlert(subject(version), SETTINGS)).not.toContain('secret-report-1');
  });

  it('a later version is an Update referencing every earlier one as sender,identifier,sent', () => {
    const xml = capAlert(subject(2), SETTINGS);
    expect(field(xml, 'msgType')).toBe('Update');
    expect(field(xml, 'identifier')).toBe(`vigil-${WARNING}-2`);
    expect(field(xml, 'sent')).toBe('2023-10-07T06:05:30-00:00');
    expect(field(xml, 'references')).toBe(`vigil@localhost,vigil-${WARNING}-1,2023-10-07T06:00:00-00:00`);
    expect(field(xml, 'incidents')).toBe(`vigil-${WARNING}`);
  });

  it('the closing version is the all-clear: an Update with responseType AllClear, urgency Past, every version referenced', () => {
    const xml = capAlert(subject(3), SETTINGS);
    expect(field(xml, 'msgType')).toBe('Update');
    expect(field(xml, 'responseType')).toBe('AllClear');
    expect(field(xml, 'urgency')).toBe('Past');
    expect(field(xml, 'severity')).toBe('Minor');
    expect(field(xml, 'certainty')).toBe('Unlikely');
    expect(field(xml, 'headline')).toBe('All clear: Is the bridge going to be blown?');
    expect(field(xml, 'references')!.split(' ')).toEqual([
      `vigil@localhost,vigil-${WARNING}-1,2023-10-07T06:00:00-00:00`,
      `vigil@localhost,vigil-${WARNING}-2,2023-10-07T06:05:30-00:00`,
    ]);
    expect(parameters(xml)).toMatchObject({ level: 'normal', levelColour: '#4477AA', pDangerous: '0.031' });
    expect(xml).not.toContain('<instruction>');
  });

  it.for([
    [
      'official-caught-up',
      'Monitor',
      'Dissent taken over by the official warning: Is the bridge going to be blown?',
      'the official warning carries it from here',
    ],
    [
      'dissent-withdrawn',
      'AllClear',
      'All clear: Is the bridge going to be blown?',
      'the dissent was withdrawn',
    ],
  ] as const)(
    "a dissent's warning closed (%s) says why, and validates",
    ([reason, responseType, headline, words], context) => {
      const versions = [VERSIONS[0]!, { version: 2, at: '2023-10-07T07:00:00.000Z', reason }];
      // It closes with the official judgment of then: for a dissent taken over, a warning level.
      const xml = capAlert(
        subject(2, {
          state: 'closed',
          versions,
          judgment: reason === 'official-caught-up' ? judgment() : subject(3).judgment,
        }),
        SETTINGS,
      );
      expect(field(xml, 'responseType')).toBe(responseType);
      expect(field(xml, 'urgency')).toBe('Past');
      expect(field(xml, 'headline')).toBe(headline);
      expect(field(xml, 'description')).toContain(words);
      expect(xml.includes('<instruction>')).toBe(reason === 'official-caught-up');
      needXmllint(context);
      expect(validateCap(xml).ok).toBe(true);
    },
  );

  it('uses the configured sender and links the warning when the public address is known', () => {
    const xml = capAlert(subject(2), {
      ...SETTINGS,
      sender: 'watch@example.org',
      publicUrl: 'https://vigil.example.org',
    });
    expect(field(xml, 'sender')).toBe('watch@example.org');
    expect(field(xml, 'references')).toMatch(/^watch@example\.org,/);
    expect(field(xml, 'web')).toBe(`https://vigil.example.org/warnings/${WARNING}`);
  });

  it('refuses a sender CAP does not allow, and a version the warning does not have', () => {
    for (const bad of ['', 'two words', 'a,b', 'a<b', 'a&b', 'x'.repeat(256)]) {
      expect(isCapSender(bad), JSON.stringify(bad)).toBe(false);
      expect(() => capAlert(subject(1), { ...SETTINGS, sender: bad })).toThrow(/not a CAP sender/);
    }
    expect(isCapSender('vigil@localhost')).toBe(true);
    expect(() => capAlert(subject(2, { versions: VERSIONS.slice(0, 1) }), SETTINGS)).toThrow(/no version 2/);
  });

  it('escapes every text: markup in a title or a level id stays text, and characters XML cannot carry become U+FFFD', (context) => {
    const hostile = 'Bridge <b>&amp;</b> "x" \'y\' ]]> \u0001\uD800 end';
    const xml = capAlert(
      subject(1, {
        problem: { ...PROBLEM, title: hostile, id: 'p<&>' },
        judgment: judgment({ level: '</value><x>', leading: '&lt;' }),
      }),
      SETTINGS,
    );
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('<x>');
    expect(xml).toContain(
      '<event>Bridge &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;x&quot; &apos;y&apos; ]]&gt; \uFFFD\uFFFD end</event>',
    );
    needXmllint(context);
    expect(validateCap(xml).messages).toContain('validates');
    // Read back by an XML parser, the text is what was written (less what XML cannot hold).
    const event = xmllint(['--xpath', 'string(//*[local-name()="event"])'], xml);
    expect(event.stdout.replace(/\n$/, '')).toBe('Bridge <b>&amp;</b> "x" \'y\' ]]> \uFFFD\uFFFD end');
  });

  it.for([1, 2, 3])('version %i validates against the OASIS CAP 1.2 schema', (version, context) => {
    needXmllint(context);
    const xml = capAlert(subject(version), SETTINGS);
    const lint = validateCap(xml);
    expect(lint.messages).toBe('- validates\n');
    expect(lint.ok).toBe(true);
  });

  it('validates for every level of a five-level problem and every band of certainty', (context) => {
    needXmllint(context);
    const levels = ['normal', 'raised', 'watch', 'warning', 'imminent'];
    for (const [rank, level] of levels.entries()) {
      for (const p of [0, 0.04, 0.3, 0.5, 0.51, 1]) {
        const xml = capAlert(
          subject(2, {
            judgment: judgment({ level, levelIndex: rank, pDangerous: p }),
            problem: { ...PROBLEM, levels: 5 },
          }),
          SETTINGS,
        );
        expect(validateCap(xml).ok, `${level} ${p}`).toBe(true);
      }
    }
  });

  it('the schema itself refuses what CAP forbids (the check is not vacuous)', (context) => {
    needXmllint(context);
    const xml = capAlert(subject(1), SETTINGS);
    expect(validateCap(xml.replace('-00:00</sent>', 'Z</sent>')).ok).toBe(false);
    expect(validateCap(xml.replace(/<sent>([^<]*)-00:00<\/sent>/, '<sent>$1.123-00:00</sent>')).ok).toBe(
      false,
    );
    expect(
      validateCap(xml.replace('<category>Security</category>', '<category>Intelligence</category>')).ok,
    ).toBe(false);
    expect(validateCap(readFileSync(`${CAP_DIR}examples/invalid.cap`, 'utf8')).ok).toBe(false);
  });
});

describe('the mappings', () => {
  it('writes instants as CAP does: whole seconds, UTC as -00:00', () => {
    expect(capDateTime('2023-10-07T06:00:00.999Z')).toBe('2023-10-07T06:00:00-00:00');
    expect(capDateTime('2023-10-07T08:00:00+02:00')).toBe('2023-10-07T06:00:00-00:00');
    expect(capDateTime(Date.UTC(2024, 1, 29, 23, 59, 59, 1))).toBe('2024-02-29T23:59:59-00:00');
    for (const t of [0, 1_700_000_000_123, Date.UTC(9999, 11, 31)]) expect(capDateTime(t)).toMatch(CAP_SENT);
  });

  it.each([
    [1, 'Likely'],
    [0.51, 'Likely'],
    [0.5, 'Possible'],
    [0.2, 'Possible'],
    [0.05, 'Possible'],
    [0.0499, 'Unlikely'],
    [0, 'Unlikely'],
  ] as const)(
    'certainty of pDangerous %f is %s (CAP: Likely p > ~50 %%, Possible p <= ~50 %%, Unlikely p ~ 0)',
    (p, certainty) => {
      expect(capCertainty(p)).toBe(certainty);
    },
  );

  it.each([
    // [rank, levels, severity, urgency]
    [1, 2, 'Severe', 'Immediate'],
    [1, 3, 'Moderate', 'Future'],
    [2, 3, 'Severe', 'Immediate'],
    [2, 4, 'Severe', 'Expected'],
    [4, 5, 'Extreme', 'Immediate'],
    [0, 5, 'Minor', 'Future'],
  ] as const)('level %i of %i: severity %s, urgency %s', (rank, levels, severity, urgency) => {
    expect(capSeverity(rank, levels)).toBe(severity);
    expect(capUrgency(rank, levels, false)).toBe(urgency);
    expect(capUrgency(rank, levels, true)).toBe('Past');
  });

  it('colours levels by rank: the lowest calm, the highest high (extreme from five), all distinct within a problem', () => {
    expect([1, 2, 3, 4, 5].map((n) => Array.from({ length: n }, (_, k) => levelTone(k, n)))).toEqual([
      ['calm'],
      ['calm', 'high'],
      ['calm', 'raised', 'high'],
      ['calm', 'raised', 'elevated', 'high'],
      ['calm', 'raised', 'elevated', 'high', 'extreme'],
    ]);
    expect(Array.from({ length: 9 }, (_, k) => levelTone(k, 9))).toEqual([
      'calm',
      'raised',
      'raised',
      'elevated',
      'elevated',
      'high',
      'high',
      'extreme',
      'extreme',
    ]);
    // Whatever the number of levels, only the lowest (the all clear) is calm, and the top is the most alarming tone there is.
    for (let n = 2; n <= 12; n++) {
      const tones = Array.from({ length: n }, (_, k) => levelTone(k, n));
      expect(
        tones.filter((t) => t === 'calm'),
        `${n} levels`,
      ).toEqual(['calm']);
      expect(tones.at(-1), `${n} levels`).toBe(n >= 5 ? 'extreme' : 'high');
    }
    expect(levelTone(-3, 4)).toBe('calm');
    expect(levelTone(99, 4)).toBe('high');
    expect(new Set(LEVEL_TONES.map((t) => LEVEL_COLOURS[t].hex)).size).toBe(LEVEL_TONES.length);
    for (const t of LEVEL_TONES) expect(LEVEL_COLOURS[t].hex).toMatch(/^#[0-9A-F]{6}$/);
    expect(levelColour(1, 2)).toBe(LEVEL_COLOURS.high.hex);
    expect(capIdentifier('w', 7)).toBe('vigil-w-7');
  });
});

describe('the Atom feed of current warnings', () => {
  const entry = {
    warning: WARNING,
    state: 'open' as const,
    version: 2,
    problemTitle: 'Bridge <&>',
    level: 'warning',
    pDangerous: 0.84,
    words: 'very likely',
    updated: '2023-10-07T06:05:30.999Z',
    capUrl: `/api/v1/warnings/${WARNING}/cap`,
  };

  it('has one entry per warning, linking its CAP alert, with stable ids, and escapes its text', (context) => {
    const xml = capFeed([entry, { ...entry, warning: 'not-a-uuid', state: 'closed', level: 'normal' }], {
      sender: 'vigil@localhost',
      selfUrl: '/api/v1/warnings/cap',
      updated: entry.updated,
    });
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain(`<id>urn:uuid:${WARNING}</id>`);
    expect(xml).toContain(
      `<link rel="alternate" type="application/cap+xml" href="/api/v1/warnings/${WARNING}/cap"/>`,
    );
    expect(xml).toContain('<title>warning: Bridge &lt;&amp;&gt;</title>');
    expect(xml).toContain('<title>All clear: Bridge &lt;&amp;&gt;</title>');
    expect(uuidUrn('not-a-uuid')).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(uuidUrn('not-a-uuid')).toBe(uuidUrn('not-a-uuid'));
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    needXmllint(context);
    expect(wellFormed(xml).ok).toBe(true);
  });
});

describe('hostile XML (the XXE example of the CAP standard)', () => {
  it('is refused by the schema check, and xmllint as we run it fetches nothing and expands no entity', async (context) => {
    needXmllint(context);
    // The example's entities point at localhost:8080; point them at a listener of our own instead.
    const asked: string[] = [];
    const listener = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.end('<!ENTITY send "LEAKED">');
    });
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    try {
      const port = (listener.address() as { port: number }).port;
      const hostile = readFileSync(`${CAP_DIR}examples/xee.cap`, 'utf8').replaceAll(
        'localhost:8080',
        `127.0.0.1:${port}`,
      );
      expect(hostile).toContain('<!ENTITY xxe SYSTEM');
      const lint = await xmllintAsync(['--noout', '--schema', CAP_XSD], hostile);
      expect(lint.ok).toBe(false);
      // Printed back, the entity references are still references: nothing was substituted.
      const printed = await xmllintAsync([], hostile);
      expect(printed.stdout).toContain('&xxe;');
      expect(printed.stdout).not.toContain('LEAKED');
      expect(printed.stdout).not.toContain('root:');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(asked).toEqual([]);
    } finally {
      listener.close();
    }
  });
});
