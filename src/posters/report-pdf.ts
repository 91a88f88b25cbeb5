/**
 * Draws an office report (src/posters/report-layout.ts) as a PDF with the posters' fonts and
 * writer: real, selectable text, cut-down fonts, A4. Node only (the fonts are read from disk), like
 * the draft posters; the Node entry hands this to the app (AppDeps.reportPdf).
 */
import { MissingGlyphError, missingCharacters, openPosterFonts, subsetPosterFonts } from './fonts.ts';
import { layoutReport, reportCharacters, type ReportDocument } from './report-layout.ts';
import { renderPdf } from './render.ts';

export type ReportPdfRenderer = (doc: ReportDocument) => Promise<{ ok: true; bytes: Uint8Array; pages: number } | { ok: false; code: 'MISSING_GLYPHS'; characters: string[] }>;

/** Renders the report; a character the fonts lack is answered, not thrown. */
export const renderReportPdf: ReportPdfRenderer = async (doc) => {
  const text = reportCharacters(doc);
  const missing = missingCharacters(text);
  if (missing.length > 0) return { ok: false, code: 'MISSING_GLYPHS', characters: missing };
  try {
    const fonts = openPosterFonts(await subsetPosterFonts(text));
    const pages = layoutReport(doc, fonts.measure);
    const bytes = await renderPdf(pages, fonts, 'A4', { title: doc.title, subject: doc.subtitle[0] ?? '' });
    return { ok: true, bytes, pages: pages.length };
  } catch (e) {
    if (e instanceof MissingGlyphError) return { ok: false, code: 'MISSING_GLYPHS', characters: [] };
    throw e;
  }
};
