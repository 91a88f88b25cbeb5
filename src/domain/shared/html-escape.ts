/** Text made safe to put into HTML (element content or a quoted attribute), for pages built by string. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
