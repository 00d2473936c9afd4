import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../support/gateway.ts';
import { headingAnchor, readDoc, withoutCodeBlocks } from '../support/markdown.ts';

/** The README and docs/ link to each other: every relative link must lead to a file, and its #anchor to a heading there. */
const DOCS = ['README.md', ...readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The anchors of a Markdown file's headings, numbered as GitHub numbers repeated ones. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of withoutCodeBlocks(readDoc(file)).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = headingAnchor(heading!);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Each relative link of a file: [where it appears, the file it names, its anchor]. */
function relativeLinks(file: string): { link: string; target: string; anchor: string | undefined }[] {
  const links = [...withoutCodeBlocks(readDoc(file)).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  return links
    .filter((link) => !/^[a-z]+:/i.test(link))
    .map((link) => {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      return { link, target: target === '' ? file : path.posix.join(path.posix.dirname(file), target), anchor };
    });
}

test('the README links to every file of docs/', () => {
  const linked = new Set(relativeLinks('README.md').map((l) => l.target));
  expect(DOCS.filter((doc) => doc !== 'README.md' && !linked.has(doc))).toEqual([]);
});

test.for(DOCS)('every relative link in %s resolves', (file) => {
  const broken = relativeLinks(file)
    .filter(({ target, anchor }) => !existsSync(path.join(REPO_ROOT, target)) || (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)))
    .map((l) => l.link);
  expect(broken).toEqual([]);
});
