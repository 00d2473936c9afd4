import type { BodyTemplate } from './ir.ts';
import { renderTemplate, type TemplateRef } from './template.ts';

/** A JSON body template filled in: literals as they are, each template leaf rendered (absent → null). */
export function renderBody(body: BodyTemplate, resolve: (ref: TemplateRef) => unknown): unknown {
  switch (body.kind) {
    case 'literal':
      return body.value;
    case 'template':
      return renderTemplate(body.template, resolve) ?? null;
    case 'array':
      return body.items.map((item) => renderBody(item, resolve));
    case 'object':
      return Object.fromEntries(body.entries.map(([k, v]) => [k, renderBody(v, resolve)]));
  }
}
