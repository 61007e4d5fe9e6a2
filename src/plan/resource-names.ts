/** `projects/p/locations/r/services/s/revisions/x` (or already `x`) → `x`. */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
