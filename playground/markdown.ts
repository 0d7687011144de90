// The markdown the language server's hover texts use (editors/server/hover.ts), as DOM: fenced code, tables,
// bullet lists, paragraphs with `code` and **bold**. Text only (textContent): nothing in a spec becomes HTML.

function inline(parent: HTMLElement, text: string): HTMLElement {
  for (const [k, bit] of text.split(/(`[^`]*`|\*\*[^*]*\*\*)/).entries()) {
    if (k % 2 === 0) parent.append(bit);
    else {
      const el = document.createElement(bit.startsWith('`') ? 'code' : 'b');
      el.textContent = bit.replace(/^`|`$|^\*\*|\*\*$/g, '');
      parent.append(el);
    }
  }
  return parent;
}

/** table cells of a `| a | b |` line (`\|` is a literal bar) */
const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

function block(dom: HTMLElement, para: string): void {
  const lines = para.split('\n');
  if (lines[0]!.trim().startsWith('|') && lines.length > 1 && /^\|?\s*-{3}/.test(lines[1]!.trim())) {
    const t = document.createElement('table');
    const head = t.createTHead().insertRow();
    for (const c of cells(lines[0]!)) head.append(inline(document.createElement('th'), c));
    const body = t.createTBody();
    for (const l of lines.slice(2)) {
      const row = body.insertRow();
      for (const c of cells(l)) inline(row.insertCell(), c);
    }
    dom.append(t);
  } else if (lines.every((l) => /^\s*- /.test(l))) {
    const ul = document.createElement('ul');
    for (const l of lines) ul.append(inline(document.createElement('li'), l.replace(/^\s*- /, '')));
    dom.append(ul);
  } else dom.append(inline(document.createElement('p'), para));
}

export function markdownDom(md: string): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'pg-hover';
  md.split(/```[a-z]*\n?/).forEach((part, i) => {
    if (!part.trim()) return;
    if (i % 2 === 1) {
      const pre = document.createElement('pre');
      pre.textContent = part.replace(/\n$/, '');
      dom.append(pre);
    } else for (const para of part.split(/\n{2,}/)) if (para.trim()) block(dom, para.trim());
  });
  return dom;
}
