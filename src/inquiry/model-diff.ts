/**
 * What changed between two versions of a problem's model, in lines a person can read: priors,
 * likelihoods, half-lives, warning thresholds and hysteresis, hypotheses and indicators added or
 * removed, titles. Pure.
 */
import type { Problem } from '../core/model.js';

function fmt(x: number | undefined): string {
  return x === undefined ? 'none' : String(Number(x.toPrecision(6)));
}

/** The changes from `before` to `after`, one line each; empty when the models are the same. */
export function modelDiff(before: Problem, after: Problem): string[] {
  const lines: string[] = [];
  if (before.title !== after.title) lines.push(`title: "${before.title}" → "${after.title}"`);
  if ((before.description ?? '') !== (after.description ?? '')) lines.push('description changed');
  const oldH = new Map(before.hypotheses.map((h) => [h.id, h]));
  const newH = new Map(after.hypotheses.map((h) => [h.id, h]));
  for (const h of after.hypotheses) {
    const old = oldH.get(h.id);
    if (old === undefined) {
      lines.push(`hypothesis "${h.id}" added (prior ${fmt(h.prior)}${h.dangerous === true ? ', dangerous' : ''})`);
      continue;
    }
    if (old.prior !== h.prior) lines.push(`prior of "${h.id}": ${fmt(old.prior)} → ${fmt(h.prior)}`);
    if ((old.dangerous === true) !== (h.dangerous === true)) lines.push(`"${h.id}" is ${h.dangerous === true ? 'now' : 'no longer'} dangerous`);
    if (old.title !== h.title) lines.push(`hypothesis "${h.id}" retitled`);
  }
  for (const h of before.hypotheses) if (!newH.has(h.id)) lines.push(`hypothesis "${h.id}" removed`);
  const oldI = new Map(before.indicators.map((i) => [i.id, i]));
  const newI = new Map(after.indicators.map((i) => [i.id, i]));
  for (const i of after.indicators) {
    const old = oldI.get(i.id);
    if (old === undefined) {
      lines.push(`indicator "${i.id}" added`);
      continue;
    }
    if (old.halfLifeHours !== i.halfLifeHours) lines.push(`half-life of "${i.id}": ${fmt(old.halfLifeHours)} → ${fmt(i.halfLifeHours)} h`);
    for (const [h, p] of Object.entries(i.likelihood)) {
      const q = old.likelihood[h];
      if (q !== p) lines.push(`P("${i.id}" | ${h}): ${fmt(q)} → ${fmt(p)}`);
    }
    if (old.title !== i.title) lines.push(`indicator "${i.id}" retitled`);
  }
  for (const i of before.indicators) if (!newI.has(i.id)) lines.push(`indicator "${i.id}" removed`);
  const oldL = new Map(before.warning.levels.map((l) => [l.id, l.threshold]));
  for (const l of after.warning.levels) {
    const t = oldL.get(l.id);
    if (t === undefined) lines.push(`level "${l.id}" added (threshold ${fmt(l.threshold)})`);
    else if (t !== l.threshold) lines.push(`threshold of "${l.id}": ${fmt(t)} → ${fmt(l.threshold)}`);
  }
  for (const l of before.warning.levels) if (!after.warning.levels.some((x) => x.id === l.id)) lines.push(`level "${l.id}" removed`);
  if ((before.warning.hysteresis ?? 0.2) !== (after.warning.hysteresis ?? 0.2)) lines.push(`hysteresis: ${fmt(before.warning.hysteresis ?? 0.2)} → ${fmt(after.warning.hysteresis ?? 0.2)}`);
  return lines;
}
