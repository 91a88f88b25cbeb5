/**
 * Draft preview for staff: the poster a village disclosure would get if published now, watermarked
 * 草稿, without version or verification code. Meant for a Node-mode API route (rendering needs the
 * 17 MB font files and takes a few hundred milliseconds, too much for a Worker request).
 *
 * @example
 * const { pdf } = await renderDraftPoster(content, settings); // content from buildVillageDisclosureContent
 * return new Response(pdf, { headers: { 'content-type': 'application/pdf' } });
 */
import type { VillageDisclosureContent } from '../domain/disclosure-content.ts';
import { MissingGlyphError, missingCharacters, openPosterFonts, subsetPosterFonts } from './fonts.ts';
import { layoutPoster, posterCharacters, type PaperSize } from './layout.ts';
import { buildPosterModel, type PosterSettings } from './model.ts';
import { renderPdf, renderPng } from './render.ts';

export interface DraftPoster {
  /** The PDF on the requested paper (A4 by default). */
  pdf: Uint8Array;
  /** One A4 PNG at 150 dpi per page. */
  png: Uint8Array[];
  title: string;
}

/** Renders the 草稿 poster of an unpublished village disclosure. Throws MissingGlyphError for undrawable text. */
export async function renderDraftPoster(content: VillageDisclosureContent, settings: PosterSettings, options: { paper?: PaperSize } = {}): Promise<DraftPoster> {
  const model = buildPosterModel(content, null, settings);
  const text = posterCharacters(model);
  const missing = missingCharacters(text);
  if (missing.length > 0) throw new MissingGlyphError(`字体中没有这些字：${missing.join(' ')}；请改用常用字或联系管理员。`);
  const fonts = openPosterFonts(await subsetPosterFonts(text));
  const pages = layoutPoster(model, fonts.measure);
  return {
    pdf: await renderPdf(pages, fonts, options.paper ?? 'A4', { title: `${model.title}（草稿）` }),
    png: pages.map((page) => renderPng(page, fonts)),
    title: model.title,
  };
}
