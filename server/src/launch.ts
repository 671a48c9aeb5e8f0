import { availableParallelism } from 'node:os';

/**
 * How a client starts the language server: the Node flags it passes before `dist/server.js`. Imported by the VS Code
 * client (`client/src/extension.ts`) and by the bench (`bench/lsp/client.ts`), which starts the server the way the
 * extension does; it imports nothing of the engine, like `protocol.ts`. Other editors start it with the same flags
 * (README).
 *
 * `--max-semi-space-size=4`: V8's young generation grows to 2 × 16 MB semi-spaces by default; a language server
 * allocates a few MB per keystroke and keeps little of it, and with 4 MB semi-spaces it holds ~30 MB less resident
 * memory with 50 open files (164 → 132 MB) at the same keystroke latency in a 6k-line file; a keystroke in a 50k-line
 * file, which allocates far more, is ~10–20% slower (`npm run bench:lsp`, memory and typing; BENCHMARKS.md).
 * Unlike the heap-growing limit `lsp/main.ts` sets at startup, V8 reads this one only when the process starts.
 *
 * `--v8-pool-size` (`serverThreadPoolSize`): Node gives V8 four background threads (parallel and concurrent garbage
 * collection, compilation) whatever the machine. On two cores those four compete with the server's own thread and
 * with the editor for the cores at every collection.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', `--v8-pool-size=${serverThreadPoolSize(availableParallelism())}`];

/**
 * V8's background threads for a server on a machine with `cores` cores: one core left to the server's main thread,
 * at least one thread, and at most Node's default of four. On 2 cores (BENCHMARKS.md, "2026-12-01, 10:20–11:40"), one
 * thread instead of four took the closed-loop typing p95 from ~17 ms to ~12 ms and the chaos p95 from ~185 to ~150 ms.
 */
export function serverThreadPoolSize(cores: number): number {
  return Math.max(1, Math.min(4, cores - 1));
}
