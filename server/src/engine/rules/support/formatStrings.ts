/**
 * `%`-format templates (https://docs.python.org/3/library/stdtypes.html#printf-style-string-formatting), as the
 * shell and logging rules read them.
 */

/**
 * The conversion letters of a `%` template in order (`"%s and %r"` → `['s', 'r']`), or null when values are not
 * matched by position (`%(name)s` mappings, `*` widths).
 */
export function percentConversions(template: string): string[] | null {
  const conversions: string[] = [];
  const pattern = /%(\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;
  for (const match of template.matchAll(pattern)) {
    if (match[4] === '%') continue;
    if (match[1] || match[2] === '*' || match[3] === '*') return null;
    conversions.push(match[4]!);
  }
  return conversions;
}
