/**
 * A warning version as a CAP 1.2 alert (OASIS Common Alerting Protocol, the schema in
 * shared/standards/cap-1.2/cap12.xsd). Pure: text in, XML text out; it parses nothing.
 *
 * - `identifier` is `vigil-<warning>-<version>`: one alert per warning version, stable.
 * - `msgType` is `Alert` for the first version and `Update` after it, with `references` naming
 *   every earlier version (`sender,identifier,sent`, space-separated). A closed warning's last
 *   version is an `Update` with `responseType` `AllClear` and urgency `Past`: CAP's all-clear.
 *   (Not `Cancel`: that withdraws the earlier alerts, which were right when they were sent.)
 *   A dissent's own warning closes with the official judgment of then: withdrawn, it is an
 *   all-clear like any other; closed because the official assessment reached its level, it is
 *   superseded, not all clear (`responseType` `Monitor`, pointing at the official warning).
 * - `scope` is `Restricted`, with the restriction text of the settings.
 * - `certainty` follows CAP's bands from pDangerous: `Likely` above 0.5, `Possible` up to 0.5,
 *   `Unlikely` below 0.05 (CAP's "p ~ 0"; ICD 203's "almost no chance"). Never `Observed`: a
 *   probability is a judgment, not an observation. The exact probability, the level and its
 *   colour go along as `<parameter>`s.
 * - No report is named: a CAP alert reaches readers of every clearance (the warning flows, the
 *   source does not).
 */
import { levelColour, levelTone, type LevelTone } from '../core/level-colours.js';
import type { Judgment } from './warning-decision.js';
import { xmlElement } from './xml-text.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_MEDIA_TYPE = 'application/cap+xml';
export const DEFAULT_CAP_SENDER = 'vigil@localhost';
export const DEFAULT_CAP_RESTRICTION =
  'For the people this Vigil server warns, and its users cleared to read the problem; not for public release.';

/** How this server signs its alerts. */
export interface CapSettings {
  /** CAP `sender`: globally unique, without spaces, commas, `<` or `&` (CAP 1.2, 3.2.1). */
  readonly sender: string;
  /** CAP `restriction`: who may have the alert. */
  readonly restriction: string;
  /** The address people reach this server at: the alert's `web` link, when set. */
  readonly publicUrl?: string;
}

/** The warning version an alert says, and what it needs of the problem. */
export interface CapSubject {
  readonly warning: string;
  readonly state: 'open' | 'closed';
  /** The version the alert is of: the warning's current one. */
  readonly version: number;
  readonly judgment: Judgment;
  /** Every version up to this one: when it was issued (ISO instant) and why. */
  readonly versions: readonly { readonly version: number; readonly at: string; readonly reason: string }[];
  readonly problem: {
    readonly id: string;
    readonly title: string;
    /** How many warning levels the problem has (the judgment's levelIndex is among them). */
    readonly levels: number;
    /** The leading hypothesis's title, when the model still has it. */
    readonly leadingTitle?: string;
  };
}

export type CapCertainty = 'Likely' | 'Possible' | 'Unlikely';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor';
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past';

/** True when `sender` may be a CAP sender: 1 to 255 characters, no white space, `,`, `<` or `&`. */
export function isCapSender(sender: string): boolean {
  return /^[^\s,<&]{1,255}$/u.test(sender);
}

/** The alert identifier of a warning version. */
export function capIdentifier(warning: string, version: number): string {
  return `vigil-${warning}-${version}`;
}

/**
 * An instant (ISO string or ms) in CAP's DateTime form: whole seconds, UTC written `-00:00`
 * (CAP 1.2, 3.3.2: no `Z`, and UTC as "-00:00"), e.g. `2023-10-07T06:00:00-00:00`.
 */
export function capDateTime(instant: string | number): string {
  const iso = new Date(instant).toISOString();
  return `${iso.slice(0, 19)}-00:00`;
}

/** CAP certainty of a probability of the dangerous hypotheses (see the module comment). */
export function capCertainty(pDangerous: number): CapCertainty {
  if (pDangerous > 0.5) return 'Likely';
  if (pDangerous >= 0.05) return 'Possible';
  return 'Unlikely';
}

const SEVERITY: Readonly<Record<LevelTone, CapSeverity>> = {
  calm: 'Minor',
  raised: 'Moderate',
  elevated: 'Severe',
  high: 'Severe',
  extreme: 'Extreme',
};
const URGENCY: Readonly<Record<LevelTone, CapUrgency>> = {
  calm: 'Future',
  raised: 'Future',
  elevated: 'Expected',
  high: 'Immediate',
  extreme: 'Immediate',
};

/** CAP severity of the level at `rank` among `levels`: by its place in the scale (the top is Severe, or Extreme from five levels). */
export function capSeverity(rank: number, levels: number): CapSeverity {
  return SEVERITY[levelTone(rank, levels)];
}

/** CAP urgency of the level at `rank` among `levels`; `Past` once the warning is closed. */
export function capUrgency(rank: number, levels: number, closed: boolean): CapUrgency {
  return closed ? 'Past' : URGENCY[levelTone(rank, levels)];
}

/** "62 %" (whole percent; below 1 % and above 99 % with one decimal). */
function percent(p: number): string {
  const x = p * 100;
  return `${x < 1 || x > 99 ? x.toFixed(1) : x.toFixed(0)} %`;
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function parameter(name: string, value: string): string {
  return `      <parameter>\n        ${xmlElement('valueName', name)}\n        ${xmlElement('value', value)}\n      </parameter>`;
}

/**
 * The CAP 1.2 alert of the subject's version (a complete UTF-8 XML document). Throws when the
 * subject has no such version among `versions`, or the sender is not a CAP sender.
 */
export function capAlert(subject: CapSubject, settings: CapSettings): string {
  if (!isCapSender(settings.sender)) throw new Error(`not a CAP sender: ${JSON.stringify(settings.sender)}`);
  const current = subject.versions.find((v) => v.version === subject.version);
  if (current === undefined) throw new Error(`warning ${subject.warning} has no version ${subject.version}`);
  const earlier = subject.versions
    .filter((v) => v.version < subject.version)
    .sort((a, b) => a.version - b.version);
  const closed = subject.state === 'closed';
  const superseded = closed && current.reason === 'official-caught-up';
  const { judgment, problem } = subject;
  const rank = judgment.levelIndex;
  const leading =
    problem.leadingTitle !== undefined ? `${problem.leadingTitle} (${judgment.leading})` : judgment.leading;
  const chance = `${judgment.words} (${percent(judgment.pDangerous)})`;

  const headline = superseded
    ? `Dissent taken over by the official warning: ${problem.title}`
    : closed
      ? `All clear: ${problem.title}`
      : `${judgment.level}: ${problem.title}: ${chance}`;
  const official = `the dangerous hypotheses are now ${chance}, level ${judgment.level}. Leading hypothesis: ${leading}. Assessed at ${judgment.at}.`;
  const description = superseded
    ? `This dissent's warning on "${problem.title}" is closed: the official assessment now reaches its level, and the official warning carries it from here: ${official}`
    : closed && current.reason === 'dissent-withdrawn'
      ? `This dissent's warning on "${problem.title}" is over: the dissent was withdrawn. The official assessment: ${official}`
      : closed
        ? `The warning on "${problem.title}" is over: ${official}`
        : `Vigil judges the dangerous hypotheses of "${problem.title}" ${chance}: level ${judgment.level} (${rank + 1} of ${problem.levels}). Leading hypothesis: ${leading}. Assessed at ${judgment.at}; version ${subject.version} of this warning (${current.reason}).`;
  const references = earlier
    .map((v) => `${settings.sender},${capIdentifier(subject.warning, v.version)},${capDateTime(v.at)}`)
    .join(' ');

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    `  ${xmlElement('identifier', capIdentifier(subject.warning, subject.version))}`,
    `  ${xmlElement('sender', settings.sender)}`,
    `  ${xmlElement('sent', capDateTime(current.at))}`,
    '  <status>Actual</status>',
    `  <msgType>${subject.version === 1 && !closed ? 'Alert' : 'Update'}</msgType>`,
    '  <source>Vigil</source>',
    '  <scope>Restricted</scope>',
    `  ${xmlElement('restriction', settings.restriction)}`,
    ...(references !== '' ? [`  ${xmlElement('references', references)}`] : []),
    `  ${xmlElement('incidents', `vigil-${subject.warning}`)}`,
    '  <info>',
    '    <language>en</language>',
    '    <category>Security</category>',
    `    ${xmlElement('event', problem.title)}`,
    `    <responseType>${superseded ? 'Monitor' : closed ? 'AllClear' : 'Assess'}</responseType>`,
    `    <urgency>${capUrgency(rank, problem.levels, closed)}</urgency>`,
    `    <severity>${closed ? 'Minor' : capSeverity(rank, problem.levels)}</severity>`,
    `    <certainty>${capCertainty(judgment.pDangerous)}</certainty>`,
    '    <eventCode>',
    `      ${xmlElement('valueName', 'vigil-problem')}`,
    `      ${xmlElement('value', problem.id)}`,
    '    </eventCode>',
    '    <senderName>Vigil</senderName>',
    `    ${xmlElement('headline', clip(headline, 160))}`,
    `    ${xmlElement('description', description)}`,
    ...(superseded
      ? ['    <instruction>Follow the official warning on this problem in Vigil.</instruction>']
      : closed
        ? []
        : ['    <instruction>Read the assessment in Vigil and acknowledge this warning.</instruction>']),
    ...(settings.publicUrl !== undefined
      ? [`    ${xmlElement('web', `${settings.publicUrl}/warnings/${encodeURIComponent(subject.warning)}`)}`]
      : []),
    parameter('pDangerous', String(judgment.pDangerous)),
    parameter('level', judgment.level),
    parameter('levelColour', levelColour(rank, problem.levels)),
    parameter('words', judgment.words),
    parameter('leadingHypothesis', judgment.leading),
    '  </info>',
    '</alert>',
    '',
  ];
  return lines.join('\n');
}
