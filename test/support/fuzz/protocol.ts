/** What the fuzz runner and its engine workers say to each other (over the child-process IPC channel). */
import type { FuzzCase, MixOptions } from './generate';

export interface WorkerConfig {
  readonly seed: number;
  /** The corpus snapshot (see `saveCorpusSnapshot`). */
  readonly corpusSnapshot: string;
  readonly runtimePath: string;
  readonly pythonPath: string;
  readonly mix: MixOptions;
  /** Share of buffers also analysed incrementally (edited from their base) and rendered through every report. */
  readonly checks: { readonly incremental: number; readonly reports: number };
}

export type WorkerRequest =
  | { readonly type: 'run'; readonly index: number }
  | { readonly type: 'case'; readonly case: FuzzCase }
  | { readonly type: 'exit' };

export interface Memory {
  /** WASM linear memory of web-tree-sitter, in bytes (-1: not visible). */
  readonly wasm: number;
  readonly js: number;
  readonly rss: number;
}

export type ProblemCategory = 'crash' | 'hang' | 'bad-range' | 'divergence' | 'logged-error' | 'rule-error';

export interface Problem {
  readonly category: ProblemCategory;
  readonly message: string;
  readonly frame?: string;
  readonly stack?: string;
}

export interface CaseResult {
  readonly index: number;
  readonly kind: string;
  readonly variant: string;
  readonly length: number;
  /** From-scratch analysis time (parse, copy, rules). */
  ms: number;
  findings: number;
  readonly ruleErrors: Array<{ readonly ruleId: string; readonly message: string; readonly frame: string }>;
  readonly problems: Problem[];
  readonly memory: Memory;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly memory: Memory; readonly corpusFingerprint: string }
  /** The buffer is generated: the watchdog starts now, with this budget. */
  | { readonly type: 'start'; readonly index: number; readonly budgetMs: number; readonly limitMs: number }
  | ({ readonly type: 'result' } & CaseResult);
