/**
 * Draft preview for staff: the poster a village disclosure would get if published now, watermarked
 * 草稿, without version or verification code. Served by the Node-mode API route
 * `GET /api/v1/villages/{code}/draft-poster.pdf|png` (functions/routes/draft-poster.ts, wired by
 * functions/node-posters.ts): rendering needs the 17 MB font files and takes about a second, too
 * much for a Worker request.
 *
 * @example
 * const result = await drawDraftPoster({ content, previous: null, format: 'pdf', paper: 'A4', page: 1 }, settings);
 * if (result.ok) return new Response(result.bytes, { headers: { 'content-type': 'application/pdf' } });
 */
import type { VillageDisclosureContent } from '../domain/disclosure/disclosure-content.ts';
import { MissingGlyphError, missingCharacters, openPosterFonts, subsetPosterFonts, type PosterFonts } from './fonts.ts';
import { layoutPoster, posterCharacters, type PaperSize, type PosterPage } from './layout.ts';
import { buildPosterModel, posterSettingsOf, type PosterModel, type PosterSettings, type PreviousDisclosureOutcome } from './model.ts';
import { missingGlyphMessage } from './glyph-message.ts';
import { renderPdf, renderPng } from './render.ts';

export interface DraftPoster {
  /** The PDF on the requested paper (A4 by default). */
  pdf: Uint8Array;
  /** One A4 PNG at 150 dpi per page. */
  png: Uint8Array[];
  title: string;
}

/** One draft file to draw: the content publishing would snapshot now, and the previous version's outcome. */
export interface DraftPosterRequest {
  content: VillageDisclosureContent;
  /** How the latest published version ended (printed as 上次公示结果 on the next one); null for none. */
  previous: PreviousDisclosureOutcome | null;
  format: 'pdf' | 'png';
  /** PDF paper; the PNG is always the A4 layout at 150 dpi. */
  paper: PaperSize;
  /** PNG page, from 1. */
  page: number;
}

export type DraftPosterResult =
  | { ok: true; bytes: Uint8Array; pages: number; title: string }
  /** Characters no poster font can draw (named so staff can correct the ledger). */
  | { ok: false; code: 'MISSING_GLYPHS'; characters: string[] }
  | { ok: false; code: 'NO_SUCH_PAGE'; pages: number };

/** Draws one draft file; what the API route needs (expected failures are values, not throws). */
export type DraftPosterRenderer = (request: DraftPosterRequest) => Promise<DraftPosterResult>;

interface Prepared {
  model: PosterModel;
  fonts: PosterFonts;
  pages: PosterPage[];
}

async function prepare(content: VillageDisclosureContent, settings: PosterSettings, previous: PreviousDisclosureOutcome | null): Promise<Prepared | { missing: string[] }> {
  const model = buildPosterModel(content, null, posterSettingsOf(settings, content.scope.code), previous);
  const text = posterCharacters(model);
  const missing = missingCharacters(text);
  if (missing.length > 0) return { missing };
  const fonts = openPosterFonts(await subsetPosterFonts(text));
  return { model, fonts, pages: layoutPoster(model, fonts.measure) };
}

/** Draws one draft file (PDF on A4/A3, or one A4 page as PNG). */
export async function drawDraftPoster(request: DraftPosterRequest, settings: PosterSettings): Promise<DraftPosterResult> {
  const prepared = await prepare(request.content, settings, request.previous);
  if ('missing' in prepared) return { ok: false, code: 'MISSING_GLYPHS', characters: prepared.missing };
  const { model, fonts, pages } = prepared;
  if (request.format === 'pdf') {
    const bytes = await renderPdf(pages, fonts, request.paper, { title: `${model.title}（草稿）`, subject: model.subtitle, author: model.issuer });
    return { ok: true, bytes, pages: pages.length, title: model.title };
  }
  const page = pages[request.page - 1];
  if (!page) return { ok: false, code: 'NO_SUCH_PAGE', pages: pages.length };
  return { ok: true, bytes: renderPng(page, fonts), pages: pages.length, title: model.title };
}

/**
 * Renders the 草稿 poster of an unpublished village disclosure, PDF and every PNG page at once.
 * Throws MissingGlyphError for undrawable text.
 */
export async function renderDraftPoster(
  content: VillageDisclosureContent,
  settings: PosterSettings,
  options: { paper?: PaperSize; previous?: PreviousDisclosureOutcome | null } = {},
): Promise<DraftPoster> {
  const prepared = await prepare(content, settings, options.previous ?? null);
  if ('missing' in prepared) throw new MissingGlyphError(missingGlyphMessage(prepared.missing));
  const { model, fonts, pages } = prepared;
  return {
    pdf: await renderPdf(pages, fonts, options.paper ?? 'A4', { title: `${model.title}（草稿）` }),
    png: pages.map((page) => renderPng(page, fonts)),
    title: model.title,
  };
}
