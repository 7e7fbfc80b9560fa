import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// On PostgreSQL part of esimkit's work runs in the database's backend processes. To count
// it as esimkit's (and not as outside disturbance), find the backends serving the esimkit
// process's own connections and read their CPU time from /proc. Linux only; elsewhere
// nothing is found and the database's CPU is simply not counted.

const CLOCK_TICKS = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** PIDs of the PostgreSQL backends connected to `pid` (its sockets to `dbPort`). */
export function databaseBackends(pid: number, dbPort: number): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
    const clientPorts = new Set<number>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
        const localPort = parseInt(fields[1]!.split(':')[1]!, 16);
        const remotePort = parseInt(fields[2]!.split(':')[1]!, 16);
        if (remotePort === dbPort) clientPorts.add(localPort);
      }
    }
    if (clientPorts.size === 0) return [];
    const backends: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      // e.g. "postgres: 15/main: postgres test 127.0.0.1(41940) idle"
      if (!cmdline.startsWith('postgres:')) continue;
      const port = /\((\d+)\)/.exec(cmdline)?.[1];
      if (port && clientPorts.has(Number(port))) backends.push(Number(entry));
    }
    return backends;
  } catch {
    return [];
  }
}

/** Total CPU time of the processes, milliseconds (processes that ended count as 0). */
export function processesCpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // ended
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}
