/**
 * The email of a warning, said plainly: the problem, the level, pDangerous with its words, the
 * leading hypothesis, the reports it hangs on, what to collect next, why this person is told,
 * and the one-click acknowledgment link; or, for a closed warning, the all-clear. Plain text with
 * a simple HTML alternative in which every value is escaped. Pure.
 */
import type { Notification } from './channel.js';
import { escapeHtml } from './html.js';
import { withheldText } from './recipient.js';

/** The links of a warning email (absent when the server has no public address). */
export interface WarningLinks {
  /** One-click acknowledgment (a signed, expiring token). */
  readonly acknowledge?: string;
  /** Until when the acknowledgment link works (ISO instant). */
  readonly acknowledgeUntil?: string;
  /** The warning in the Vigil UI. */
  readonly view?: string;
}

export interface ComposedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** "62 %": a probability as a whole percentage. */
export function percent(p: number): string {
  return `${(p * 100).toFixed(0)} %`;
}

/** "+12.5 points": a signed change of a probability, in percentage points. */
export function points(delta: number): string {
  const value = (delta * 100).toFixed(1);
  return `${delta >= 0 ? '+' : ''}${value === '-0.0' ? '0.0' : value} points`;
}

/** Why this person is told, as a sentence: holder, deputy or delegate (standing in for whom), or named. */
export function whyYou(n: Pick<Notification, 'reason' | 'role' | 'standingInFor'>): string {
  const role = n.role !== undefined ? ` the role "${n.role}"` : '';
  const standing =
    n.standingInFor !== undefined && n.standingInFor.length > 0
      ? `, standing in for ${n.standingInFor.join(', ')} (absent or unreachable)`
      : '';
  switch (n.reason) {
    case 'holder':
      return `You hold${role || ' the role'} in this problem's escalation policy.`;
    case 'deputy':
      return `You are the deputy for${role || ' a role'}${standing}.`;
    case 'delegate':
      return `You are the delegate${role !== '' ? ` for${role}` : ''}${standing}.`;
    case 'named':
      return "You are named in this problem's escalation policy.";
    default:
      // Notification.reason is a plain string: an unknown reason is named as it is.
      return `You are on this warning's list (${n.reason}).`;
  }
}

/** A titled block of lines: the unit of both the text and the HTML of an email. */
export interface Section {
  readonly title: string;
  readonly lines: readonly string[];
}

/**
 * The heading of a closing email. A dissent's warning that the official assessment caught up
 * with is superseded, not all clear: the danger it spoke of stands, in the official warning.
 */
function closingHeading(n: Notification): string {
  return n.closedBecause === 'official-caught-up'
    ? `Dissent taken over by the official warning: ${n.problemTitle}`
    : `All clear: ${n.problemTitle}`;
}

/** The sections of the email of a closed warning: why it closed, and the official judgment now. */
function closingSections(n: Notification, links: WarningLinks): { heading: string; sections: Section[] } {
  const j = n.judgment;
  const official = `pDangerous ${percent(j.pDangerous)} (${j.words})`;
  const closed: Section =
    n.closedBecause === 'official-caught-up'
      ? {
          title: "The dissent's warning is closed",
          lines: [
            `The official assessment now reaches the dissent's level: "${j.level}", ${official}.`,
            'The official warning carries it from here.',
            `Assessed at ${j.at}.`,
          ],
        }
      : n.closedBecause === 'dissent-withdrawn'
        ? {
            title: "The dissent's warning is closed",
            lines: [
              'The dissent it spoke for was withdrawn by its author.',
              `The official assessment: level "${j.level}", ${official}.`,
              `Leading hypothesis: ${j.leading}.`,
              `Assessed at ${j.at}.`,
            ],
          }
        : {
            title: 'The warning is closed',
            lines: [
              `The level is back to "${j.level}": ${official}.`,
              `Leading hypothesis: ${j.leading}.`,
              `Assessed at ${j.at}.`,
            ],
          };
  return {
    heading: closingHeading(n),
    sections: [
      closed,
      { title: 'Why you', lines: ['You were told of this warning.'] },
      ...(links.view !== undefined ? [{ title: 'In Vigil', lines: [links.view] }] : []),
    ],
  };
}

/** The sections of a warning email, shared by the text and the HTML. */
function sections(n: Notification, links: WarningLinks): { heading: string; sections: Section[] } {
  const j = n.judgment;
  if (n.allClear) return closingSections(n, links);
  const acknowledge: string[] =
    links.acknowledge !== undefined
      ? [
          `Acknowledge version ${n.version} (one click, then confirm): ${links.acknowledge}`,
          ...(links.acknowledgeUntil !== undefined
            ? [`The link works once, until ${links.acknowledgeUntil}.`]
            : []),
        ]
      : ['Acknowledge it in Vigil.'];
  return {
    heading: `${j.level.toUpperCase()}: ${n.problemTitle}`,
    sections: [
      {
        title: 'The assessment',
        lines: [
          `Level: ${j.level} (version ${n.version} of this warning).`,
          `pDangerous: ${percent(j.pDangerous)} (${j.words}).`,
          `Leading hypothesis: ${j.leading}.`,
          `Assessed at ${j.at}.`,
        ],
      },
      {
        title: 'What it hangs on',
        lines:
          j.evidence.length === 0 && n.withheld === 0
            ? ['No single report.']
            : [
                ...j.evidence.map(
                  (e) =>
                    `Report ${e.report}: ${points(e.impact)} on pDangerous${e.flips ? '; without it the leading hypothesis changes' : ''}.`,
                ),
                ...(n.withheld > 0 ? [`${withheldText(n.withheld)} (see Vigil, signed in).`] : []),
              ],
      },
      {
        title: 'What to collect next',
        lines:
          j.collect.length === 0
            ? ['Nothing would change the picture much.']
            : j.collect.map(
                (c) =>
                  `${c.indicator}: ${c.eig.toFixed(3)} bits expected; if present pDangerous ${percent(c.pDangerousIfPresent)}, if absent ${percent(c.pDangerousIfAbsent)}.`,
              ),
      },
      { title: 'Why you', lines: [whyYou(n)] },
      {
        title: 'Acknowledge',
        lines: [...acknowledge, ...(links.view !== undefined ? [`The warning in Vigil: ${links.view}`] : [])],
      },
    ],
  };
}

/** Plain text: a heading, then each section as a titled block of lines. */
export function plainText(heading: string, parts: readonly Section[]): string {
  return [heading, '', ...parts.flatMap((s) => [s.title, ...s.lines.map((l) => `  ${l}`), ''])].join('\n');
}

/** Simple HTML: a heading, then each section as a titled list; links are links; everything escaped. */
export function simpleHtml(heading: string, parts: readonly Section[]): string {
  const line = (l: string) => {
    // A line ending in a URL shows it as a link (the URL escaped as an attribute and as text).
    const url = /(https?:\/\/\S+)$/.exec(l);
    if (url === null) return escapeHtml(l);
    const before = l.slice(0, url.index);
    return `${escapeHtml(before)}<a href="${escapeHtml(url[1]!)}">${escapeHtml(url[1]!)}</a>`;
  };
  const body = parts
    .map(
      (s) =>
        `<h2>${escapeHtml(s.title)}</h2>\n<ul>\n${s.lines.map((l) => `<li>${line(l)}</li>`).join('\n')}\n</ul>`,
    )
    .join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head>\n<body>\n<h1>${escapeHtml(heading)}</h1>\n${body}\n</body></html>\n`;
}

/** The email of one notification (a warning version, or the all-clear of a closed warning). */
export function warningEmail(n: Notification, links: WarningLinks = {}): ComposedEmail {
  const { heading, sections: parts } = sections(n, links);
  const j = n.judgment;
  const subject = n.allClear
    ? `[Vigil] ${closingHeading(n)}`
    : `[Vigil] ${j.level.toUpperCase()}: ${n.problemTitle}, pDangerous ${percent(j.pDangerous)} (${j.words})${n.version > 1 ? `, version ${n.version}` : ''}`;
  return { subject, text: plainText(heading, parts), html: simpleHtml(heading, parts) };
}
