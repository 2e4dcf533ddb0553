/**
 * The inquiry report and scores as the UI reads them: the parts of the API's JSON
 * (src/inquiry/inquiry-types.ts, src/inquiry/scores.ts) that the inquiry and calibration pages show.
 */
export interface Evidence {
  readonly report: string;
  readonly impact: number;
  readonly flips: boolean;
  readonly description: string;
}
export interface Advice {
  readonly indicator: string;
  readonly indicatorTitle: string;
  readonly eig: number;
  readonly pDangerousIfPresent: number;
  readonly pDangerousIfAbsent: number;
}
export interface Milestone {
  readonly at: string;
  readonly seq: number;
  readonly what: string;
}
export interface ReportRow {
  readonly seq: number;
  readonly hash: string;
  readonly withheld?: boolean;
  readonly id?: string;
  readonly indicatorTitle?: string;
  readonly observed?: string;
  readonly source?: string;
  readonly grade?: string;
  readonly observedAt?: string;
  readonly receivedAt: string;
  readonly firstCountedAt?: string | null;
  readonly notCounted?: string;
  readonly pBefore: number;
  readonly pAfter: number;
  readonly delta: number;
}
export interface Notification {
  readonly seq: number;
  readonly at: string;
  readonly person: string;
  readonly name?: string;
  readonly reason: string;
  readonly channels: readonly string[];
  readonly deliveries: readonly { readonly channel: string; readonly outcome: string }[];
  readonly deliveredAfterMs?: number;
  readonly acknowledgedAfterMs?: number;
}
export interface WarningVersion {
  readonly seq: number;
  readonly version: number;
  readonly at: string;
  readonly reason: string;
  readonly closing: boolean;
  readonly level: string;
  readonly pDangerous: number;
  readonly notifications: readonly Notification[];
  readonly acknowledgments: readonly {
    readonly seq: number;
    readonly at: string;
    readonly user: string;
    readonly userName?: string;
    readonly name?: string;
    readonly via: string;
    readonly note?: string;
    readonly afterVersionMs: number;
  }[];
  readonly errors: readonly { readonly seq: number; readonly at: string; readonly text: string }[];
  readonly withheld: number;
}
export interface Warning {
  readonly id: string;
  readonly kind: 'official' | 'dissent';
  readonly openedAt: string;
  readonly closedAt?: string;
  readonly versions: readonly WarningVersion[];
}
export interface Inquiry {
  readonly generatedAt: string;
  readonly problem: { readonly id: string; readonly title: string; readonly version: number };
  readonly window: { readonly from: string; readonly to: string };
  readonly withheld: number;
  readonly atStart: {
    readonly at: string;
    readonly level: string;
    readonly pDangerous: number;
    readonly leadingTitle: string;
  };
  readonly atEnd: {
    readonly at: string;
    readonly level: string;
    readonly pDangerous: number;
    readonly leadingTitle: string;
  };
  readonly reports: readonly ReportRow[];
  readonly levelChanges: readonly {
    readonly at: string;
    readonly from: string;
    readonly to: string;
    readonly cause: string;
    readonly version: number;
    readonly pDangerous: number;
    readonly leadingTitle: string;
    readonly evidence: readonly Evidence[];
    readonly collect: readonly Advice[];
    readonly withheld: number;
  }[];
  readonly warnings: readonly Warning[];
  readonly escalationErrors: readonly { readonly seq: number; readonly at: string; readonly text: string }[];
  readonly dissents: readonly {
    readonly seq: number;
    readonly dissent: string;
    readonly author: string;
    readonly authorName?: string;
    readonly filedAt: string;
    readonly pDangerous: number;
    readonly level: string;
    readonly rationale: string;
    readonly fate: string;
  }[];
  readonly modelChanges: readonly {
    readonly seq: number;
    readonly version: number;
    readonly at: string;
    readonly by: string;
    readonly byName?: string;
    readonly changes: readonly string[];
  }[];
  readonly people: readonly {
    readonly person: string;
    readonly name?: string;
    readonly told: readonly {
      readonly seq: number;
      readonly at: string;
      readonly what: string;
      readonly level?: string;
      readonly pDangerous?: number;
      readonly channels: readonly string[];
      readonly acknowledgedAt?: string;
      readonly acknowledgedAfterMs?: number;
    }[];
    readonly acknowledgments: number;
  }[];
  readonly intervals: {
    readonly firstIndicator: Milestone | null;
    readonly firstWarning: Milestone | null;
    readonly firstAcknowledgment: Milestone | null;
    readonly firstDecision: Milestone | null;
    readonly steps: readonly {
      readonly from: string;
      readonly to: string;
      readonly ms: number | null;
      readonly text: string;
    }[];
  };
  readonly outcomes: readonly {
    readonly hypothesisTitle: string;
    readonly at: string;
    readonly inForce: boolean;
    readonly dangerous: boolean;
  }[];
  readonly verification: {
    readonly ok: boolean;
    readonly eventsVerified: number;
    readonly failure?: { readonly seq: number; readonly reason: string };
    readonly head: { readonly seq: number; readonly hash: string; readonly at: string } | null;
    readonly window: {
      readonly firstSeq: number | null;
      readonly lastSeq: number | null;
      readonly events: number;
    };
    readonly checkpoints: readonly unknown[];
    readonly sealedBy: { readonly seq: number; readonly at: string } | null;
    readonly howToCheck: string;
  };
  readonly notes: readonly string[];
}

/** Mean scores over the scored instants (null when none). Bits for the log scores. */
export interface ScoreSummary {
  readonly count: number;
  readonly brier: number | null;
  readonly logScore: number | null;
  readonly dangerBrier: number | null;
  readonly dangerLogScore: number | null;
}
export interface LeadTime {
  readonly level: string;
  readonly firstReached: number | null;
  readonly leadMs: number | null;
  readonly leadText: string | null;
}
export interface ProblemScores {
  readonly problem: string;
  readonly outcome: { readonly hypothesis: string; readonly dangerous: boolean } | null;
  readonly window: {
    readonly from: string;
    readonly to: string;
    readonly everyText: string;
    readonly instants: number;
  };
  readonly official: ScoreSummary | null;
  readonly dissents: readonly {
    readonly dissent: string;
    readonly author: string;
    readonly filedAt: string;
    readonly pDangerous: number;
    readonly scores: ScoreSummary | null;
  }[];
  readonly leadTimes: readonly LeadTime[];
  readonly warningLeadTimes: readonly LeadTime[];
}
export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanForecast: number | null;
  readonly observedFrequency: number | null;
}
export interface ReliabilityAcross {
  readonly bins: readonly ReliabilityBin[];
  readonly problems: readonly {
    readonly problem: string;
    readonly hypothesis: string;
    readonly dangerous: boolean;
    readonly outcomeAt: string;
  }[];
  readonly forecasts: number;
}
