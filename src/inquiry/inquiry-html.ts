/**
 * The inquiry report as one self-contained HTML page for reading and printing: no script, no
 * external resource, one <style> block (its hash is INQUIRY_STYLE_HASH, for a
 * Content-Security-Policy that allows exactly it), the reliability diagram inline as SVG, and
 * every text from the record escaped. The PDF is this page printed by Chromium. Pure.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from './duration.js';
import { escapeText as esc } from './html-text.js';
import type {
  AdviceRow,
  EvidenceRow,
  InquiryReport,
  LevelChangeRow,
  NotificationView,
  ReportRow,
  WarningVersionView,
  WarningView,
  WithheldReportRow,
} from './inquiry-types.js';

/** The page's only style: print-friendly, readable on screen. */
export const INQUIRY_STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; background: #fff; margin: 0 auto; max-width: 1100px; padding: 16px; }
h1 { font-size: 18pt; margin: 0 0 4px; }
h2 { font-size: 13.5pt; margin: 26px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #333; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 16px 0 6px; page-break-after: avoid; }
p { margin: 4px 0 8px; }
.meta { color: #444; }
.ok { color: #0b5d1e; font-weight: bold; }
.bad { color: #a50e0e; font-weight: bold; }
.muted { color: #555; }
.withheld { color: #6b4e00; font-style: italic; }
.up { color: #a50e0e; font-weight: bold; }
.down { color: #0b5d1e; font-weight: bold; }
.story li { margin-bottom: 5px; }
.mono, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 9pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word; }
p, li, h1, h2, h3, h4, figcaption { overflow-wrap: anywhere; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
td.when { white-space: nowrap; }
nav ol { columns: 2; margin: 4px 0; }
figure { margin: 8px 0; }
figcaption { font-size: 9pt; color: #444; }
.box { border: 1px solid #999; padding: 6px 10px; margin: 8px 0; background: #fafafa; }
`;

/** The CSP source of the page's style block (`'sha256-...'`). */
export const INQUIRY_STYLE_HASH = `'sha256-${createHash('sha256').update(INQUIRY_STYLE).digest('base64')}'`;

/** The Content-Security-Policy to serve the page under: nothing but its own style and inline images. */
export const INQUIRY_CSP = `default-src 'none'; style-src ${INQUIRY_STYLE_HASH}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function pct(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p > 0 && p < 0.001) return '<0.1 %';
  if (p < 1 && p > 0.999) return '>99.9 %';
  return `${(p * 100).toFixed(p < 0.1 || p > 0.9 ? 1 : 0)} %`;
}

function pctWords(p: number, words: string): string {
  return `${pct(p)} (${words})`;
}

function pts(delta: number): string {
  if (!Number.isFinite(delta)) return '—';
  const x = delta * 100;
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} pts`;
}

function when(iso: string): string {
  return esc(iso.replace('T', ' ').replace(/\.000Z$/, 'Z'));
}

function short(hash: string): string {
  return esc(hash.slice(0, 12));
}

function up(level: string): string {
  return esc(level.toUpperCase());
}

function td(text: string, cls?: string): string {
  return `<td${cls === undefined ? '' : ` class="${cls}"`}>${text}</td>`;
}

function table(head: readonly string[], rows: readonly string[]): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r}</tr>`).join('\n')}\n</tbody></table>`;
}

function duration(ms: number | undefined | null): string {
  return ms === undefined || ms === null ? '—' : esc(formatDuration(ms));
}

function nameOf(person: string | undefined, name: string | undefined): string {
  if (person === undefined) return '';
  return name === undefined ? esc(person) : `${esc(name)} <span class="muted">(${esc(person)})</span>`;
}

function evidenceTable(evidence: readonly EvidenceRow[], withheld: number): string {
  const rows = evidence.map((e) => td(esc(pts(e.impact)), 'num') + td(esc(e.description)) + td(esc(e.report), 'mono') + td(e.flips ? 'yes' : ''));
  const note = withheld > 0 ? `<p class="withheld">${withheld} report${withheld === 1 ? '' : 's'} it hangs on withheld (above your clearance).</p>` : '';
  return (rows.length === 0 ? '' : table(['effect on P(dangerous)', 'report', 'id', 'leading hypothesis flips without it'], rows)) + note;
}

function adviceTable(collect: readonly AdviceRow[]): string {
  return table(
    ['collect next', 'information gain', 'if present', 'if absent'],
    collect.map((c) => td(esc(c.indicatorTitle)) + td(`${c.eig.toFixed(3)} bits`, 'num') + td(esc(pct(c.pDangerousIfPresent)), 'num') + td(esc(pct(c.pDangerousIfAbsent)), 'num')),
  );
}

/** Items grouped by a key, in order of first appearance. */
function groups<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list === undefined) map.set(k, [item]);
    else list.push(item);
  }
  return [...map.values()];
}

/** "at 01:25" or "4 times, from 01:25 to 02:45". */
function times(instants: readonly string[]): string {
  if (instants.length === 1) return `at ${when(instants[0]!)}`;
  return `${instants.length} times, from ${when(instants[0]!)} to ${when(instants[instants.length - 1]!)}`;
}

function storyOf(r: InquiryReport): string[] {
  const items: string[] = [];
  const s = r.atStart;
  items.push(`At ${when(s.at)} the level was <b>${up(s.level)}</b>, P(dangerous) ${esc(pctWords(s.pDangerous, s.words))}; the leading hypothesis was “${esc(s.leadingTitle)}”.`);
  const visible = r.reports.filter((x) => x.withheld !== true).length;
  items.push(`${r.reports.length} report${r.reports.length === 1 ? '' : 's'} arrived in the window${r.reports.length > visible ? ` (${r.reports.length - visible} withheld from this reader)` : ''}.`);
  const backfilled = r.reports.filter((x) => x.withheld !== true && x.backfilled).length;
  if (backfilled > 0) items.push(`${backfilled} of them ${backfilled === 1 ? 'was' : 'were'} backfilled: recorded after the instant ${backfilled === 1 ? 'it says it was' : 'they say they were'} received (both are shown).`);
  if (r.loadedLater.length > 0) items.push(`${r.loadedLater.length} more report${r.loadedLater.length === 1 ? '' : 's'} say${r.loadedLater.length === 1 ? 's' : ''} ${r.loadedLater.length === 1 ? 'it was' : 'they were'} received in the window but ${r.loadedLater.length === 1 ? 'was' : 'were'} recorded only after it: not known in it, and counted in nothing here (listed as loaded later).`);
  if (r.intervals.firstIndicator !== null) items.push(`The first indicator: ${esc(r.intervals.firstIndicator.what)}, received ${when(r.intervals.firstIndicator.at)}.`);
  const official = r.warnings.filter((w) => w.kind === 'official');
  for (const c of r.levelChanges) {
    // The report that moved it most in the direction it went (the strongest pull the other way may rank first by size).
    const mover = c.evidence.find((e) => (c.direction === 'up' ? e.impact > 0 : e.impact < 0)) ?? c.evidence[0];
    const cause = c.cause === 'model' ? ` when model version ${c.version} came into force` : mover !== undefined ? `; moved most by ${esc(mover.description)} (${esc(pts(mover.impact))})` : '';
    const advice = c.collect[0] !== undefined ? ` Advice: collect “${esc(c.collect[0].indicatorTitle)}” first.` : '';
    const issued = official.flatMap((w) => w.versions).find((v) => v.at === c.at);
    const told = issued?.notifications.filter((n) => n.at === c.at) ?? [];
    const tellers = told.map((n) => `${n.name !== undefined ? esc(n.name) : esc(n.person)}${n.role !== undefined ? ` (${esc(n.role)}${n.standingInFor !== undefined && n.standingInFor.length > 0 ? ` for ${esc(n.standingInFor.join(', '))}` : ''})` : ''}`);
    const toldText = issued === undefined ? '' : tellers.length > 0 ? ` ${issued.closing ? 'All-clear sent at once to' : 'Told at once'}: ${tellers.join(', ')}.` : ' Nobody was told at once.';
    items.push(
      `${when(c.at)}: the level went ${c.direction === 'up' ? '<span class="up">up</span>' : '<span class="down">down</span>'} from ${up(c.from)} to <b>${up(c.to)}</b>, P(dangerous) ${esc(pctWords(c.pDangerous, c.words))}, leading “${esc(c.leadingTitle)}”${cause}.${advice}${toldText}`,
    );
  }
  const told = new Set(official.flatMap((w) => w.versions.flatMap((v) => v.notifications.map((n) => n.person))));
  if (r.intervals.firstWarning !== null) {
    items.push(`The first warning went out at ${when(r.intervals.firstWarning.at)} (${esc(r.intervals.firstWarning.what)}). ${official.length} official warning${official.length === 1 ? '' : 's'} in the window, ${official.reduce((n, w) => n + w.versions.length, 0)} versions; ${told.size} ${told.size === 1 ? 'person was' : 'people were'} told.`);
  } else items.push('No official warning went out in the window.');
  if (r.intervals.firstAcknowledgment !== null) items.push(`The first acknowledgment: ${esc(r.intervals.firstAcknowledgment.what)} at ${when(r.intervals.firstAcknowledgment.at)}.`);
  if (r.intervals.firstDecision !== null) items.push(`The first decision recorded: ${esc(r.intervals.firstDecision.what)} at ${when(r.intervals.firstDecision.at)}.`);
  for (const step of r.intervals.steps) if (step.ms !== null) items.push(`From the ${esc(step.from)} to the ${esc(step.to)}: ${esc(step.text)}.`);
  for (const group of groups(r.delegations, (d) => `${d.person}\u0000${d.standingInFor.join(',')}\u0000${d.role ?? ''}`)) {
    const d = group[0]!;
    items.push(`${nameOf(d.person, d.name)} stood in for ${esc(d.standingInFor.join(', '))}${d.role !== undefined ? ` as ${esc(d.role)}` : ''} ${times(group.map((x) => x.at))}.`);
  }
  for (const group of groups(r.escalationErrors, (e) => e.kind === 'unreachable' ? `u\u0000${e.target ?? ''}\u0000${e.dissent ?? ''}` : `g\u0000${e.person ?? ''}\u0000${e.channel ?? ''}\u0000${e.detail ?? ''}`)) {
    const e = group[0]!;
    const what = e.kind === 'unreachable' ? (e.dissent !== undefined && e.warning === undefined ? `a dissent could not be routed to ${esc(e.target ?? 'the control role')}` : `an escalation step reached nobody for ${esc(e.target ?? '?')}`) : esc(e.text);
    items.push(`<span class="bad">Escalation error</span>: ${what}, ${times(group.map((x) => x.at))}.`);
  }
  for (const d of r.dissents) items.push(`Dissent filed ${when(d.filedAt)} by ${esc(d.authorName ?? d.author)} (P(dangerous) ${esc(pctWords(d.pDangerous, d.words))}, level ${up(d.level)}): ${esc(d.fate)}.`);
  for (const m of r.modelChanges) items.push(`${when(m.at)}: model version ${m.version} stored by ${esc(m.byName ?? m.by)}${m.changes.length > 0 ? ` (${esc(m.changes.slice(0, 3).join('; '))}${m.changes.length > 3 ? '; …' : ''})` : ''}.`);
  const outcome = r.outcomes.find((o) => o.inForce);
  if (outcome !== undefined) {
    items.push(`The outcome: “${esc(outcome.hypothesisTitle)}” at ${when(outcome.at)}${outcome.dangerous ? ' (a dangerous hypothesis)' : ''}.`);
    for (const l of r.scores?.leadTimes ?? []) {
      items.push(l.leadText === null ? `Level ${up(l.level)} was never reached.` : `Level ${up(l.level)} was first reached ${when(new Date(l.firstReached!).toISOString())}, ${esc(l.leadText)}.`);
    }
  }
  const e = r.atEnd;
  items.push(`At ${when(e.at)} the level was <b>${up(e.level)}</b>, P(dangerous) ${esc(pctWords(e.pDangerous, e.words))}; the leading hypothesis was “${esc(e.leadingTitle)}”.`);
  return items;
}

function levelChangeSection(c: LevelChangeRow): string {
  return `<h3>${when(c.at)} · ${up(c.from)} → ${up(c.to)} <span class="${c.direction}">${c.direction === 'up' ? '▲' : '▼'}</span></h3>
<p>P(dangerous) <b>${esc(pctWords(c.pDangerous, c.words))}</b>; leading hypothesis “${esc(c.leadingTitle)}”; model version ${c.version}${c.cause === 'model' ? ' — <b>caused by the new model version</b>, which replays the history to this level' : ''}.</p>
<p>What the assessment hung on at that instant:</p>
${evidenceTable(c.evidence, c.withheld)}
<p>The collection advice given at that instant:</p>
${adviceTable(c.collect)}`;
}

function notificationRow(n: NotificationView): string {
  const why = `${esc(n.reason)}${n.role !== undefined ? ` (${esc(n.role)})` : ''}${n.standingInFor !== undefined && n.standingInFor.length > 0 ? `, standing in for ${esc(n.standingInFor.join(', '))}` : ''}`;
  const deliveries =
    n.deliveries.length === 0
      ? n.channels.includes('in-app')
        ? 'in-app inbox'
        : '<span class="muted">no attempt recorded</span>'
      : n.deliveries.map((d) => `${esc(d.channel)} #${d.attempt}: ${esc(d.outcome)}${d.status !== undefined ? ` (${d.status})` : ''}${d.detail !== undefined ? ` — ${esc(d.detail)}` : ''} at ${when(d.at)}`).join('<br>');
  return (
    td(when(n.at), 'when') +
    td(nameOf(n.person, n.name) + (n.allClear ? ' <b>(all-clear)</b>' : '')) +
    td(why) +
    td(esc(n.channels.join(', '))) +
    td(deliveries) +
    td(duration(n.deliveredAfterMs), 'num') +
    td(duration(n.acknowledgedAfterMs), 'num') +
    td(`${n.seq}`, 'num')
  );
}

function versionSection(v: WarningVersionView): string {
  const acks = table(
    ['acknowledged', 'by', 'via', 'after the version', 'after being told', 'note (decision)', 'seq'],
    v.acknowledgments.map(
      (a) =>
        td(when(a.at), 'when') +
        td(a.person !== undefined ? nameOf(a.person, a.name) : esc(a.userName ?? a.user)) +
        td(esc(a.via)) +
        td(duration(a.afterVersionMs), 'num') +
        td(duration(a.afterNotifiedMs), 'num') +
        td(a.note !== undefined ? `<b>${esc(a.note)}</b>` : '') +
        td(`${a.seq}`, 'num'),
    ),
  );
  const errors = v.errors.length === 0 ? '' : `<ul>${v.errors.map((e) => `<li class="bad">${when(e.at)}: ${esc(e.text)}</li>`).join('')}</ul>`;
  const ended = v.escalationEnded === undefined ? '' : `<p class="muted">Every escalation step of this version had run by ${when(v.escalationEnded)}${v.acknowledgments.length === 0 ? ', and nobody had acknowledged it' : ''}.</p>`;
  return `<h4>Version ${v.version} · ${when(v.at)} · ${esc(v.reason)}${v.closing ? ' (closed)' : ''}</h4>
<p>Level <b>${up(v.level)}</b>, P(dangerous) ${esc(pctWords(v.pDangerous, v.words))}, leading ${esc(v.leading)}. <span class="muted">seq ${v.seq}, hash <span class="mono">${short(v.hash)}</span></span></p>
${v.evidence.length > 0 || v.withheld > 0 ? `<p>It carried the evidence:</p>${evidenceTable(v.evidence, v.withheld)}` : ''}
${v.collect.length > 0 ? `<p>and the advice:</p>${adviceTable(v.collect)}` : ''}
<p>Who was told, through which channel, and how it went:</p>
${table(['told at', 'person', 'why them', 'channels', 'deliveries', 'delivered after', 'acknowledged after', 'seq'], v.notifications.map(notificationRow))}
<p>Acknowledgments:</p>
${acks}
${errors}
${ended}`;
}

function warningSection(w: WarningView): string {
  const title = w.kind === 'dissent' ? `Dissent warning ${esc(w.id)} (for dissent ${esc(w.dissent ?? '')})` : `Warning ${esc(w.id)}`;
  return `<h3>${title}</h3>
<p>Opened ${when(w.openedAt)}${w.closedAt !== undefined ? `; closed ${when(w.closedAt)} (${esc(w.closeReason ?? '')})` : '; still open at the end of the window'}.</p>
${w.versions.map(versionSection).join('\n')}`;
}

/** The instant a report says it was received and, for a backfilled one (recorded later), when it was recorded. */
function receivedCell(receivedAt: string, recordedAt: string, backfilled: boolean): string {
  return backfilled ? `${when(receivedAt)}<br><b>backfilled</b>, recorded ${when(recordedAt)}` : when(receivedAt);
}

function reportRow(row: ReportRow | WithheldReportRow): string {
  if (row.withheld === true) {
    return td(`${row.seq}`, 'num') + td(receivedCell(row.receivedAt, row.recordedAt, false), 'when') + `<td colspan="6" class="withheld">withheld (above your clearance)</td>` + td(`${esc(pct(row.pBefore))} → ${esc(pct(row.pAfter))}`, 'num') + td(esc(pts(row.delta)), 'num');
  }
  const counted = row.firstCountedAt === null ? `<span class="muted">never${row.notCounted !== undefined ? `: ${esc(row.notCounted)}` : ''}</span>` : row.firstCountedAt === row.receivedAt ? 'on arrival' : when(row.firstCountedAt);
  return (
    td(`${row.seq}`, 'num') +
    td(receivedCell(row.receivedAt, row.recordedAt, row.backfilled), 'when') +
    td(when(row.observedAt), 'when') +
    td(counted) +
    td(`<b>${esc(row.id)}</b> ${esc(row.indicatorTitle)}: <b>${esc(row.observed)}</b>${row.text !== undefined ? `<br><span class="muted">${esc(row.text)}</span>` : ''}`) +
    td(esc(row.grade)) +
    td(esc(row.source)) +
    td(esc(row.classification) + (row.compartments.length > 0 ? ` ${esc(row.compartments.join(' '))}` : '') + (row.backfilled ? '<br>backfilled' : '')) +
    td(`${esc(pct(row.pBefore))} → ${esc(pct(row.pAfter))}`, 'num') +
    td(esc(pts(row.delta)), 'num')
  );
}

/** The whole report as an HTML page (UTF-8). */
export function renderInquiryHtml(r: InquiryReport): string {
  const v = r.verification;
  const reader = r.reader.kind === 'store' ? 'the whole store (every report shown)' : `${esc(r.reader.name)}, cleared ${esc(r.reader.clearance)}${r.reader.compartments.length > 0 ? ` (${esc(r.reader.compartments.join(', '))})` : ''}`;
  const verified = v.ok
    ? `<p class="ok">The log verifies: ${v.eventsVerified.toLocaleString('en-US')} events, every hash, link and checkpoint signature intact. Head: seq ${v.head?.seq ?? 0}, hash <span class="mono">${esc(v.head?.hash ?? '')}</span>.</p>`
    : `<p class="bad">The log does NOT verify: first failure at seq ${v.failure?.seq ?? '?'}: ${esc(v.failure?.reason ?? '')}. Nothing in this report can be trusted beyond that point.</p>`;
  const sections: [string, string, string][] = [];
  sections.push(['story', 'The story in brief', `<ol class="story">${storyOf(r).map((s) => `<li>${s}</li>`).join('\n')}</ol>`]);
  sections.push([
    'intervals',
    'Key intervals',
    table(
      ['milestone', 'when', 'what', 'seq'],
      (
        [
          ['first indicator', r.intervals.firstIndicator],
          ['first warning', r.intervals.firstWarning],
          ['first acknowledgment', r.intervals.firstAcknowledgment],
          ['first decision recorded', r.intervals.firstDecision],
        ] as const
      ).map(([name, m]) => td(esc(name)) + (m === null ? td('—') + td('<span class="muted">not in the window</span>') + td('') : td(when(m.at), 'when') + td(esc(m.what)) + td(`${m.seq}`, 'num'))),
    ) + table(['from', 'to', 'interval'], r.intervals.steps.map((s) => td(esc(s.from)) + td(esc(s.to)) + td(esc(s.text), 'num'))),
  ]);
  sections.push(['levels', 'Level changes, with the evidence and advice of the moment', r.levelChanges.length === 0 ? '<p class="muted">The level did not change in the window.</p>' : r.levelChanges.map(levelChangeSection).join('\n')]);
  sections.push(['warnings', 'Warnings: every version, who was told, deliveries, acknowledgments', r.warnings.length === 0 ? '<p class="muted">No warning in the window.</p>' : r.warnings.map(warningSection).join('\n')]);
  sections.push([
    'people',
    'What each person was told, and when',
    r.people.length === 0
      ? '<p class="muted">Nobody was told anything in the window.</p>'
      : r.people
          .map(
            (p) =>
              `<h3>${nameOf(p.person, p.name)}</h3>` +
              table(
                ['when', 'what', 'level', 'P(dangerous)', 'why them', 'channels: outcome', 'acknowledged', 'seq'],
                p.told.map(
                  (t) =>
                    td(when(t.at), 'when') +
                    td(esc(t.what === 'dissent' ? `dissent ${t.dissent ?? ''}` : t.what === 'all-clear' ? `all-clear (warning ${t.warning ?? ''})` : `warning ${t.warning ?? ''} v${t.version ?? ''}`)) +
                    td(t.level !== undefined ? up(t.level) : '') +
                    td(t.pDangerous !== undefined ? esc(pctWords(t.pDangerous, t.words ?? '')) : '', 'num') +
                    td(`${esc(t.reason)}${t.role !== undefined ? ` (${esc(t.role)})` : ''}${t.standingInFor !== undefined && t.standingInFor.length > 0 ? `, for ${esc(t.standingInFor.join(', '))}` : ''}`) +
                    td(t.deliveries.length > 0 ? t.deliveries.map((d) => `${esc(d.channel)}: ${esc(d.outcome)}`).join('<br>') : esc(t.channels.join(', '))) +
                    td(t.acknowledgedAt !== undefined ? `${when(t.acknowledgedAt)} (after ${duration(t.acknowledgedAfterMs)})` : '<span class="muted">no</span>') +
                    td(`${t.seq}`, 'num'),
                ),
              ),
          )
          .join('\n'),
  ]);
  sections.push([
    'absences',
    'Absences and delegations',
    '<h3>Absences in force during the window</h3>' +
      table(['person', 'from', 'to', 'delegate'], r.absences.map((a) => td(nameOf(a.person, a.name)) + td(when(a.from), 'when') + td(when(a.to), 'when') + td(a.delegate !== undefined ? nameOf(a.delegate, a.delegateName) : '<span class="muted">none</span>'))) +
      '<h3>Who stood in for whom</h3>' +
      table(['when', 'stood in', 'for', 'role', 'about', 'seq'], r.delegations.map((d) => td(when(d.at), 'when') + td(nameOf(d.person, d.name)) + td(esc(d.standingInFor.join(', '))) + td(esc(d.role ?? '')) + td(esc(d.dissent !== undefined ? `dissent ${d.dissent}` : `warning ${d.warning ?? ''} v${d.version ?? ''}`)) + td(`${d.seq}`, 'num'))),
  ]);
  sections.push(['errors', 'Escalation errors', table(['when', 'what', 'seq'], r.escalationErrors.map((e) => td(when(e.at), 'when') + td(`<span class="bad">${esc(e.kind)}</span>: ${esc(e.text)}`) + td(`${e.seq}`, 'num')))]);
  sections.push([
    'dissents',
    'Dissents and what became of them',
    r.dissents.length === 0
      ? '<p class="muted">No dissent in the window.</p>'
      : r.dissents
          .map(
            (d) => `<div class="box"><p><b>Dissent ${esc(d.dissent)}</b>, filed ${when(d.filedAt)} by ${esc(d.authorName ?? d.author)} <span class="muted">(seq ${d.seq})</span>: P(dangerous) ${esc(pctWords(d.pDangerous, d.words))}, level ${up(d.level)}; the official assessment then: ${up(d.officialAtFiling.level)}, ${esc(pct(d.officialAtFiling.pDangerous))}.</p>
<p>Probabilities: ${Object.entries(d.posterior).map(([h, p]) => `${esc(h)} ${esc(pct(p))}`).join(', ')}.</p>
<p>Rationale: “${esc(d.rationale)}”</p>
<p>${d.routedTo !== undefined ? `Routed ${when(d.routedTo.at)} to ${nameOf(d.routedTo.person, d.routedTo.name)} (${esc(d.routedTo.role)}, ${esc(d.routedTo.reason)}${d.routedTo.standingInFor !== undefined && d.routedTo.standingInFor.length > 0 ? `, standing in for ${esc(d.routedTo.standingInFor.join(', '))}` : ''}).` : d.unroutable !== undefined ? `<span class="bad">Could not be routed (${when(d.unroutable)}): nobody reachable in the control role.</span>` : ''}</p>
<p><b>What became of it:</b> ${esc(d.fate)}.</p></div>`,
          )
          .join('\n'),
  ]);
  sections.push([
    'model',
    'Model changes, and who made them',
    table(['when', 'version', 'by', 'what changed', 'seq'], r.modelChanges.map((m) => td(when(m.at), 'when') + td(`${m.version}`, 'num') + td(esc(m.byName ?? m.by)) + td(m.changes.map(esc).join('<br>')) + td(`${m.seq}`, 'num'))),
  ]);
  sections.push([
    'reports',
    'Every report of the window',
    `<p>In the order received. P(dangerous) before → after is the assessment at the report's arrival without and with it.</p>` +
      table(['seq', 'received', 'observed', 'first counted', 'report', 'grade', 'source', 'marking', 'P(dangerous)', 'change'], r.reports.map(reportRow)) +
      (r.loadedLater.length > 0
        ? `<h3>Loaded later: not known in the window</h3><p>These reports say they were received in the window, but they were recorded after it ended: nothing above counts them.</p>` +
          table(
            ['seq', 'report', 'received (by its own account)', 'recorded', 'how'],
            r.loadedLater.map((l) => td(`${l.seq}`, 'num') + (l.id === undefined ? '<td class="withheld">withheld (above your clearance)</td>' : td(esc(l.id))) + td(when(l.receivedAt), 'when') + td(when(l.recordedAt), 'when') + td(l.backfilled ? 'backfilled' : '')),
          )
        : '') +
      (r.corrections.length > 0
        ? `<h3>Corrections</h3>` +
          table(
            ['when', 'correction', 'by', 'P(dangerous)', 'seq'],
            r.corrections.map((c) =>
              c.withheld === true
                ? td(when(c.at), 'when') + '<td class="withheld">withheld (above your clearance)</td>' + td('') + td(`${esc(pct(c.pBefore))} → ${esc(pct(c.pAfter))}`, 'num') + td(`${c.seq}`, 'num')
                : td(when(c.at), 'when') + td(`${esc(c.report)} ${esc(c.kind)}${c.grade !== undefined ? ` to ${esc(c.grade)}` : ''}: ${esc(c.reason)}`) + td(esc(c.byName ?? c.by)) + td(`${esc(pct(c.pBefore))} → ${esc(pct(c.pAfter))}`, 'num') + td(`${c.seq}`, 'num'),
            ),
          )
        : ''),
  ]);
  const scores = r.scores;
  const scoreRows = (label: string, s: { count: number; brier: number | null; logScore: number | null; dangerBrier: number | null; dangerLogScore: number | null } | null) =>
    s === null || s.count === 0
      ? td(esc(label)) + '<td colspan="5" class="muted">no instants scored</td>'
      : td(esc(label)) + td(`${s.count}`, 'num') + td(s.brier!.toFixed(3), 'num') + td(`${s.logScore!.toFixed(2)} bits`, 'num') + td(s.dangerBrier!.toFixed(3), 'num') + td(`${s.dangerLogScore!.toFixed(2)} bits`, 'num');
  sections.push([
    'outcome',
    'Outcome and calibration',
    (r.outcomes.length === 0
      ? '<p class="muted">No outcome recorded: the problem is unresolved, so nothing can be scored yet (vigil outcome records one).</p>'
      : table(
          ['came true', 'when', 'note', 'recorded', 'by', 'in force', 'seq'],
          r.outcomes.map((o) => td(`${esc(o.hypothesisTitle)} <span class="muted">(${esc(o.hypothesis)})</span>`) + td(when(o.at), 'when') + td(esc(o.note ?? '')) + td(when(o.recordedAt), 'when') + td(esc(o.byName ?? o.by)) + td(o.inForce ? 'yes' : 'corrected') + td(`${o.seq}`, 'num')),
        )) +
      (scores === null
        ? ''
        : `<p>Scored every ${esc(scores.window.everyText)} from ${when(scores.window.from)} to ${when(scores.window.to)} (${scores.window.instants} instants), as the system knew it at each. Brier: 0 is perfect (multi-class up to 2, P(dangerous) up to 1). Log score: bits of surprise at what came true (0 is perfect; lower is better).</p>` +
          table(
            ['forecaster', 'instants', 'Brier (hypotheses)', 'log score (true hypothesis)', 'Brier (P(dangerous))', 'log score (P(dangerous))'],
            [
              scoreRows('official assessment', scores.official),
              ...scores.dissents.flatMap((d) => [scoreRows(`dissent ${d.dissent} (${d.filedAt}${d.withdrawnAt !== undefined ? ` to ${d.withdrawnAt}` : ''})`, d.scores), scoreRows('  official, same instants', d.official)]),
            ],
          ) +
          '<h3>Lead time of each level</h3>' +
          table(
            ['level', 'first reached (level timeline)', 'lead', 'first warning at this level or above', 'lead'],
            scores.leadTimes.map((l, k) => {
              const w = scores.warningLeadTimes[k];
              return (
                td(up(l.level)) +
                td(l.firstReached === null ? 'never' : when(new Date(l.firstReached).toISOString()), 'when') +
                td(esc(l.leadText ?? '—')) +
                td(w === undefined || w.firstReached === null ? 'never' : when(new Date(w.firstReached).toISOString()), 'when') +
                td(esc(w?.leadText ?? '—'))
              );
            }),
          )) +
      `<h3>Reliability across resolved problems</h3><figure>${r.reliability.svg}<figcaption>${r.reliability.problems} resolved problem${r.reliability.problems === 1 ? '' : 's'}, ${r.reliability.forecasts} forecasts of P(dangerous). A calibrated forecaster's dots lie on the dashed diagonal.</figcaption></figure>`,
  ]);
  sections.push([
    'log',
    'Checking this report against the log',
    verified +
      `<p>What the verification vouches for: every figure of this report is recomputed from the log's events (the reports, corrections, level changes, states, scores and reliability diagram, warnings, acknowledgments, dissents, model changes, outcomes and absences), not read from the store's projection tables. Only the names of people and users come from outside the log.</p>` +
      `<p>This report cites the seq of every event it draws on. The problem's events in the window run from seq ${v.window.firstSeq ?? '—'} to ${v.window.lastSeq ?? '—'} (${v.window.events} events).</p>` +
      (v.sealedBy !== null
        ? `<p>The signed checkpoint at seq ${v.sealedBy.seq} (${when(v.sealedBy.at)}, key ${esc(v.sealedBy.keyId)}) signs the head seq ${v.sealedBy.upTo}, hash <span class="mono">${esc(v.sealedBy.head)}</span>, which chains over the whole window.</p>`
        : `<p class="muted">No signed checkpoint covers the end of the window yet; the head hash above does.</p>`) +
      (v.checkpoints.length > 12 ? `<p>${v.checkpoints.length} signed checkpoints were appended in the window; the first and last six (every one is in the JSON form of this report):</p>` : '') +
      table(['checkpoint seq', 'at', 'signs up to seq', 'head hash', 'key'], (v.checkpoints.length > 12 ? [...v.checkpoints.slice(0, 6), ...v.checkpoints.slice(-6)] : v.checkpoints).map((c) => td(`${c.seq}`, 'num') + td(when(c.at), 'when') + td(`${c.upTo}`, 'num') + td(`<span class="mono">${esc(c.head)}</span>`) + td(esc(c.keyId)))) +
      `<p>${esc(v.howToCheck)}</p>`,
  ]);
  sections.push(['notes', 'How this report reads the record', `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`]);

  const withheld = r.withheld > 0 ? `<p class="withheld">${r.withheld} report${r.withheld === 1 ? '' : 's'} above your clearance ${r.withheld === 1 ? 'is' : 'are'} withheld: their rows keep only where they sit in the log and what they did to P(dangerous).</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Inquiry: ${esc(r.problem.title)} · ${when(r.window.from)} to ${when(r.window.to)}</title>
<style>${INQUIRY_STYLE}</style>
</head>
<body>
<header>
<h1>Inquiry report: ${esc(r.problem.title)}</h1>
<p class="meta">Problem <b>${esc(r.problem.id)}</b> (model version ${r.problem.version}) · window ${when(r.window.from)} to ${when(r.window.to)} (UTC) · drawn ${when(r.generatedAt)} from the event log · for ${reader}</p>
${verified}
${withheld}
</header>
<nav><h2>Contents</h2><ol>${sections.map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`).join('')}</ol></nav>
<main>
${sections.map(([id, title, body]) => `<section id="${id}"><h2>${esc(title)}</h2>\n${body}\n</section>`).join('\n')}
</main>
</body>
</html>
`;
}
