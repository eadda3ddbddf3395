// Redis's log line format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message` (serverLogRaw in server.c).

import type { LogLevel } from '../env/env.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The character Redis prints for each level. */
const LEVEL_CHARS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };

/** Formats one log line (without the newline) in local time, as Redis does. */
export function formatLogLine(pid: number, role: string, at: Date, level: LogLevel, message: string): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp =
    `${pad(at.getDate())} ${MONTHS[at.getMonth()]} ${at.getFullYear()} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
  return `${pid}:${role} ${stamp} ${LEVEL_CHARS[level]} ${message}`;
}
