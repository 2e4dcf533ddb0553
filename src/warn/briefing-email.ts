/**
 * The daily briefing as an email: one section per problem followed (level and change since
 * yesterday, the evidence that moved it, what to collect next, open dissents, warnings still
 * unacknowledged), then the log's checkpoint head as an outside witness. Plain text with a
 * simple HTML alternative, every value escaped. Pure.
 */
import { estimativeWords } from '../core/words.js';
import type { Briefing, ProblemBriefing } from './briefing.js';
import { percent, plainText, points, simpleHtml, type ComposedEmail, type Section } from './warning-email.js';
import { withheldText } from './recipient.js';

/** "72 % (likely)". */
function chance(p: number): string {
  return `${percent(p)} (${estimativeWords(p)})`;
}

/** The first line of a text, at most `max` characters. */
function firstLine(text: string, max = 200): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function problemSection(p: ProblemBriefing): Section {
  const change =
    p.yesterday === undefined
      ? 'new since yesterday'
      : p.yesterday.level === p.level
        ? `yesterday ${percent(p.yesterday.pDangerous)} at the same level: ${points(p.pDangerous - p.yesterday.pDangerous)}`
        : `yesterday "${p.yesterday.level}" at ${percent(p.yesterday.pDangerous)}: ${points(p.pDangerous - p.yesterday.pDangerous)}`;
  return {
    title: `${p.title}: ${p.level.toUpperCase()}`,
    lines: [
      `Level: ${p.level}; pDangerous ${chance(p.pDangerous)}; ${change}.`,
      `Leading hypothesis: ${p.leading}.`,
      p.moved.length === 0 && (p.movedWithheld ?? 0) === 0
        ? 'Evidence that moved it: no new report since yesterday (any change is older evidence fading).'
        : `Evidence that moved it: ${[
            ...p.moved.map((m) => `report ${m.report} (${points(m.impact)}${m.flips ? ', flips the leading hypothesis' : ''})`),
            ...((p.movedWithheld ?? 0) > 0 ? [withheldText(p.movedWithheld ?? 0).toLowerCase()] : []),
          ].join('; ')}.`,
      p.collect.length === 0
        ? 'What to collect next: nothing would change the picture much.'
        : `What to collect next: ${p.collect.map((c) => `${c.indicator} (${c.eig.toFixed(3)} bits; if present ${percent(c.pDangerousIfPresent)}, if absent ${percent(c.pDangerousIfAbsent)})`).join('; ')}.`,
      ...(p.dissents.length === 0
        ? ['Open dissents: none.']
        : p.dissents.map(
            (d) =>
              `Open dissent by ${d.author} (filed ${d.filedAt}): ${d.level}, pDangerous ${chance(d.pDangerous)}: "${firstLine(d.rationale)}"`,
          )),
      ...(p.unacknowledged.length === 0
        ? ['Warnings still unacknowledged: none.']
        : p.unacknowledged.map(
            (w) =>
              `Warning still unacknowledged: ${w.warning} version ${w.version}${w.dissent !== undefined ? ' (raised by a dissent)' : ''}, ${w.level}, pDangerous ${percent(w.pDangerous)}, since ${w.since}.`,
          )),
    ],
  };
}

/** The briefing email. */
export function briefingEmail(b: Briefing): ComposedEmail {
  const unacknowledged = b.problems.reduce((n, p) => n + p.unacknowledged.length, 0);
  const heading = `Your Vigil briefing for ${b.day}`;
  const witness: Section = {
    title: "The log's checkpoint (an outside witness)",
    lines:
      b.checkpoint === undefined
        ? ['The log has no signed checkpoint yet.']
        : [
            `Checkpoint seq ${b.checkpoint.seq} at ${b.checkpoint.at}: event ${b.checkpoint.upTo} has hash ${b.checkpoint.head}.`,
            `Keep this email: if the log is ever cut short or rewritten, "vigil verify --head ${b.checkpoint.upTo}:${b.checkpoint.head}" fails.`,
          ],
  };
  const parts: Section[] = [
    {
      title: 'What you need to know',
      lines: [
        `${b.name}: ${b.problems.length} problem${b.problems.length === 1 ? '' : 's'} you follow, ${unacknowledged} warning${unacknowledged === 1 ? '' : 's'} still unacknowledged (as of ${b.at}, ${b.timeZone} day ${b.day}).`,
      ],
    },
    ...b.problems.map(problemSection),
    witness,
    ...(b.publicUrl !== undefined ? [{ title: 'In Vigil', lines: [`${b.publicUrl}/`] }] : []),
  ];
  const subject = `[Vigil] Briefing ${b.day}: ${b.problems.map((p) => `${p.title} ${p.level}`).join(', ') || 'no problems'}${unacknowledged > 0 ? `; ${unacknowledged} unacknowledged` : ''}`;
  return { subject, text: plainText(heading, parts), html: simpleHtml(heading, parts) };
}
