/** What the action's own step log says about where its time went. */

/** `Settings: 30 ms` lines, printed by the action at the end of each phase, in order. */
export function phaseTimings(stdout: string): { readonly phase: string; readonly ms: number }[] {
  const phases: { phase: string; ms: number }[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^([A-Z][A-Za-z ()]*): (\d+) ms$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined)
      phases.push({ phase: match[1], ms: Number(match[2]) });
  }
  return phases;
}
