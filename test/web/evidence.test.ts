/** The evidence list: reports in the order received, withheld markers where the API counted them. */
import { describe, expect, it } from 'vitest';
import type { StoredReport } from '../../web/src/api/types.js';
import { addPage, addReport, addWithheld, EMPTY_EVIDENCE, loadEvidence, newestFirst } from '../../web/src/pages/problem/evidence.js';

function report(seq: number): StoredReport {
  return { seq, id: `r-${seq}`, indicator: 'scouts', observed: 'present', at: '2026-01-01T00:00:00Z', received: '2026-01-01T00:00:00Z' };
}

describe('the evidence list', () => {
  it('puts a page marker after the page it was counted in, and a live marker where it was announced', () => {
    let evidence = addPage(EMPTY_EVIDENCE, { reports: [report(1), report(3)], withheld: 2, next: 4 });
    evidence = addPage(evidence, { reports: [report(6)], withheld: 0, next: null });
    evidence = addReport(evidence, report(8));
    evidence = addWithheld(evidence, 1);
    evidence = addReport(evidence, report(10));
    const order = newestFirst(evidence.items).map((item) => (item.kind === 'report' ? item.report.id : `withheld ${item.count}`));
    expect(order).toEqual(['r-10', 'withheld 1', 'r-8', 'r-6', 'withheld 2', 'r-3', 'r-1']);
  });

  it('adds a report once, however often it arrives (loaded, then live)', () => {
    const evidence = addReport(addReport(EMPTY_EVIDENCE, report(2)), report(2));
    expect(evidence.items).toHaveLength(1);
  });

  it('reads every page until the API says there is no next', async () => {
    const asked: string[] = [];
    const pages = [
      { reports: [report(1), report(2)], withheld: 0, next: 2 },
      { reports: [report(4)], withheld: 1, next: null },
    ];
    const evidence = await loadEvidence(async (path) => {
      asked.push(path);
      return pages[asked.length - 1]!;
    }, '/api/v1/problems/p', 2);
    expect(asked).toEqual(['/api/v1/problems/p/reports?after=0&limit=2', '/api/v1/problems/p/reports?after=2&limit=2']);
    expect(evidence.items.filter((i) => i.kind === 'report')).toHaveLength(3);
    expect(evidence.items.filter((i) => i.kind === 'withheld')).toHaveLength(1);
  });
});
