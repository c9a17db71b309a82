/**
 * `--include`/`--exclude` patterns: `*` and `?` within a path segment, `**` across segments,
 * `[abc]` classes and `{a,b}` alternatives. A pattern without a slash matches the file's name
 * (`*.mp3`); one with a slash matches its path relative to the directory given (`2024/**\/*.wav`).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      const slashAfter = pattern[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else if (char === '{') {
      braces += 1;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces -= 1;
      source += ')';
    } else if (char === ',' && braces > 0) source += '|';
    else source += char.replace(/[.+^$()|\\{}]/g, '\\$&');
  }
  if (braces > 0) throw new Error(`unclosed { in ${pattern}`);
  return new RegExp(`^${source}$`);
}

export interface PathFilter {
  include: readonly string[];
  exclude: readonly string[];
}

/** Whether a file found in a directory is taken: it matches an include (if any) and no exclude. */
export function compileFilter(filter: PathFilter): (relative: string) => boolean {
  const compile = (patterns: readonly string[]) =>
    patterns.map((pattern) => {
      const regexp = globToRegExp(pattern.replace(/^\.\//, ''));
      return pattern.includes('/') ? (path: string) => regexp.test(path) : (path: string) => regexp.test(path.slice(path.lastIndexOf('/') + 1));
    });
  const include = compile(filter.include);
  const exclude = compile(filter.exclude);
  return (relative) => (include.length === 0 || include.some((test) => test(relative))) && !exclude.some((test) => test(relative));
}
