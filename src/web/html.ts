/**
 * HTML for the dashboard's pages (docs/dashboard.md): a tagged template that escapes
 * every interpolated value unless it is already `Html` (made by this template or by
 * `trusted`). Names, emails and every other value from storage pass through it, so a
 * name like `<script>` is shown as text. Pure.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? '';
  parts.forEach((part, index) => {
    out += render(part) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

/** Markup this program made itself (an SVG from the QR library): never data from storage. */
export const trusted = (markup: string): Html => new Html(markup);

/** JSON inside `<script type="application/json">`: `<` escaped so no value can close the element. */
export const jsonIsland = (value: unknown): Html => new Html(JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
