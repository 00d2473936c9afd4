/** A position inside an expression's text: 0-based offset, 1-based line and column. */
export interface ExprPosition {
  offset: number;
  line: number;
  column: number;
}

/** Turns an offset into line and column, counting lines the way editors do. */
export function positionAt(source: string, offset: number): ExprPosition {
  const clamped = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (source.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}
