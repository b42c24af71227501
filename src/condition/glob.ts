/**
 * A condition's identifier pattern (`selection_*`: `*` any run of characters, everything else
 * literal) as a matcher of selection names. Without RegExp: V8 refuses the RegExp of a pattern of
 * tens of thousands of characters ("Regular expression too large"), and a rule may hold one.
 */
export interface NameGlob {
  test(name: string): boolean;
}

export function nameGlob(pattern: string): NameGlob {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return { test: (name) => name === pattern };
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1);
  return {
    test(name) {
      if (name.length < first.length + last.length) return false;
      if (!name.startsWith(first) || !name.endsWith(last)) return false;
      // The middle pieces in order, each as early as it fits (greedy is exact for `*` alone).
      let at = first.length;
      const end = name.length - last.length;
      for (const p of middle) {
        const i = name.indexOf(p, at);
        if (i < 0 || i + p.length > end) return false;
        at = i + p.length;
      }
      return true;
    },
  };
}
