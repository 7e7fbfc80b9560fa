/** A LIKE pattern matching `text` anywhere, literally (use with `escape '\\'`): codes hold `_`, names may hold `%`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
