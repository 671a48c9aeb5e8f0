/**
 * How a client starts the language server: the Node flags it passes before `dist/server.js`. Imported by the VS Code
 * client (`client/src/extension.ts`) and by the bench (`bench/lsp/client.ts`), which starts the server the way the
 * extension does; free of imports, like `protocol.ts`. Other editors start it with the same flags (README).
 *
 * `--max-semi-space-size=4`: V8's young generation grows to 2 × 16 MB semi-spaces by default; a language server
 * allocates a few MB per keystroke and keeps little of it, and with 4 MB semi-spaces it holds ~30 MB less resident
 * memory with 50 open files (164 → 132 MB) at the same keystroke latency in a 6k-line file; a keystroke in a 50k-line
 * file, which allocates far more, is ~10–20% slower (`npm run bench:lsp`, memory and typing; BENCHMARKS.md).
 * Unlike the heap-growing limit `lsp/main.ts` sets at startup, V8 reads this one only when the process starts.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
