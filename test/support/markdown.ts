import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './gateway.ts';

/** A Markdown file of the repository, by path from its root. */
export function readDoc(relativePath: string): string {
  return readFileSync(path.join(REPO_ROOT, relativePath), 'utf8');
}

/**
 * The fenced code block right after `<!-- readme-test: NAME -->`. Tests read the docs' examples
 * through these markers, so an example that is edited, moved or dropped breaks its test.
 */
export function markedBlock(markdown: string, name: string): string {
  const marker = `<!-- readme-test: ${name} -->`;
  const at = markdown.indexOf(marker);
  if (at === -1) throw new Error(`no ${marker}`);
  const fence = /^```[a-z]*\n([\s\S]*?)^```$/m.exec(markdown.slice(at + marker.length));
  if (!fence) throw new Error(`no code block after ${marker}`);
  return fence[1]!;
}

/** Every marker name that starts with `prefix`, in order (e.g. the files of a walkthrough). */
export function markerNames(markdown: string, prefix: string): string[] {
  return [...markdown.matchAll(/<!-- readme-test: (\S[^>]*?) -->/g)].map((m) => m[1]!).filter((name) => name.startsWith(prefix));
}

/** The `-d '…'` body of a curl command, as curl sends it. */
export function curlBody(command: string): string {
  const body = /-d '(\{.*\})'/.exec(command)?.[1];
  if (body === undefined) throw new Error(`no -d '{…}' in: ${command}`);
  return body;
}

/** The Markdown with its fenced code blocks blanked out (links and headings inside them do not count). */
export function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```$/gm, '');
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}
