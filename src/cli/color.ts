/**
 * Colored diagnostics on a terminal: the severity word of `file:line:col: severity code: message`
 * in red, yellow or cyan. Off when stderr is not a terminal or `NO_COLOR` is set and not empty
 * (https://no-color.org).
 */
import { isTerminal } from './tty.js';

const SGR: Record<string, string> = { error: '31', warning: '33', info: '36' };

export function useColor(env: NodeJS.ProcessEnv = process.env, fd = 2): boolean {
  if (env.NO_COLOR) return false;
  return isTerminal(fd);
}

/** Colors the severity of one formatted diagnostic line (the rest unchanged). */
export function colorDiagnostic(line: string): string {
  return line.replace(
    /^((?:\[[^\]]*\] )?.*?:\d+:\d+: )(error|warning|info)\b/,
    (_, where: string, sev: string) => `${where}\x1b[${SGR[sev]};1m${sev}\x1b[0m`,
  );
}
