// Child processes the end-to-end tests start, each in its own process group (`setsid`), so that stopping one
// stops everything it started (code-server's extension host and our language server, nvim and its server).
// Every group still alive when this process exits, however it exits, is killed.
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const groups = new Set();

/** The live (not zombie) processes of group `pgid`, read from /proc. */
function groupMembers(pgid) {
  const members = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(entry));
  }
  return members;
}

function groupAlive(pgid) {
  return groupMembers(pgid).length > 0;
}

function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function killGroupNow(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

process.on('exit', () => {
  for (const pgid of groups) killGroupNow(pgid);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const pgid of groups) killGroupNow(pgid);
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]);
  });
}

/**
 * Starts `command args` as the leader of a new session and process group; output goes to `logFile`.
 * Resolves once the group exists, with the child, its group id, and `stop()`, which ends the whole group
 * (TERM, then KILL after 5 s).
 */
export async function startGroup(command, args, { env, cwd, logFile }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn('setsid', [command, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const pgid = child.pid;
  groups.add(pgid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // `setsid` makes the program the leader of a new session and group whose id is its pid (it would fork only if
  // its caller were a group leader, which a child of node is not). Wait until it has done so: before that, the
  // group does not exist and signals to it would miss.
  const deadline = Date.now() + 5000;
  while (readStat(pgid)?.pgrp !== pgid && child.exitCode === null && child.signalCode === null) {
    if (Date.now() > deadline) throw new Error(`${command} did not become a process group leader`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  async function stop() {
    if (!groups.has(pgid)) return;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5000;
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    killGroupNow(pgid);
    const killed = Date.now();
    while (groupAlive(pgid) && Date.now() - killed < 5000) await new Promise((resolve) => setTimeout(resolve, 50));
    const left = groupMembers(pgid);
    if (left.length > 0) console.error(`[e2e] processes ${left.join(' ')} of group ${pgid} survived SIGKILL`);
    groups.delete(pgid);
    log.end();
  }
  return { child, pgid, exited, stop, alive: () => child.exitCode === null && child.signalCode === null };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
