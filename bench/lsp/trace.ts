import { readFileSync } from 'node:fs';
import type { TraceEvent } from '../../server/src/lsp/trace';

/**
 * Where a keystroke's time goes, from the server's latency trace (`VIGIL_TRACE`, `server/src/lsp/trace.ts`) and the
 * bench's own send and arrival times, all on the wall clock (`performance.timeOrigin + performance.now()` in both
 * processes; their origins agree to ~0.1 ms, which the two transport segments absorb).
 */
export const SEGMENTS = [
  { key: 'toServer', label: 'to the server', from: 'sent', to: 'received' },
  { key: 'queued', label: 'queued', from: 'received', to: 'analysis-start' },
  { key: 'syntax', label: 'reparse + copy', from: 'analysis-start', to: 'syntax-ready' },
  { key: 'analysis', label: 'analysis', from: 'syntax-ready', to: 'analysed' },
  { key: 'toPublish', label: 'to publication', from: 'analysed', to: 'published' },
  { key: 'toClient', label: 'to the client', from: 'published', to: 'arrived' },
] as const satisfies ReadonlyArray<{ key: string; label: string; from: TraceEvent | 'sent'; to: TraceEvent | 'arrived' }>;
export type SegmentKey = (typeof SEGMENTS)[number]['key'];

/** One edit as the bench saw it: the version it sent, when it sent it and when that version's diagnostics arrived. */
export interface SentEdit {
  readonly version: number;
  /** Wall-clock ms (`performance.timeOrigin + performance.now()`). */
  readonly sentAt: number;
  readonly arrivedAt: number;
}

/**
 * Per segment, the ms each edit of `uri` spent in it (edits in order; an edit the trace lacks an event of is left out of
 * every segment). Reads the whole trace file: call it once a session's edits have all been published.
 */
export function keystrokeSegments(traceFile: string, uri: string, edits: readonly SentEdit[]): Record<SegmentKey, number[]> {
  const byVersion = new Map<number, Map<string, number>>();
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    const [time, event, version, lineUri] = line.split('\t');
    if (lineUri !== uri || !event || !version || version === '-') continue;
    const events = byVersion.get(Number(version)) ?? new Map<string, number>();
    // The first of each event: a version is analysed and published once in a closed loop.
    if (!events.has(event)) events.set(event, Number(time));
    byVersion.set(Number(version), events);
  }
  const segments = Object.fromEntries(SEGMENTS.map((segment) => [segment.key, [] as number[]])) as Record<SegmentKey, number[]>;
  for (const edit of edits) {
    const events = new Map(byVersion.get(edit.version));
    events.set('sent', edit.sentAt);
    events.set('arrived', edit.arrivedAt);
    if (SEGMENTS.some((segment) => !events.has(segment.from) || !events.has(segment.to))) continue;
    for (const segment of SEGMENTS) segments[segment.key].push(events.get(segment.to)! - events.get(segment.from)!);
  }
  return segments;
}
