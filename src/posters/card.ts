/**
 * Draws a share card (card-model.ts) as a 1080 × 1440 PNG: laid out by satori (flexbox, line
 * wrapping) with the poster font cut to the card's characters, the QR code added as one path where
 * satori left its box, and rasterised by sharp (librsvg). A portrait picture that reads at a glance
 * in a WeChat group and is saved with a long press. Node only (satori's wasm and sharp).
 */
import satori from 'satori';
import sharp from 'sharp';
import { MissingGlyphError, missingCharacters, subsetPosterFonts } from './fonts.ts';
import { cardCharacters, type ShareCardModel } from './card-model.ts';
import { qrModules } from './qr.ts';

export const CARD_WIDTH = 1080;
export const CARD_HEIGHT = 1440;
const PAD = 72;
const QR_SIZE = 320;
const QR_TOP = CARD_HEIGHT - PAD - QR_SIZE;

type Node = { type: string; props: { style: Record<string, unknown>; children?: Node | string | Array<Node | string> } };
const box = (style: Record<string, unknown>, children?: Node['props']['children']): Node => ({ type: 'div', props: { style: { display: 'flex', boxSizing: 'border-box', ...style }, children } });

function tree(m: ShareCardModel): Node {
  return box({ width: CARD_WIDTH, height: CARD_HEIGHT, flexDirection: 'column', background: '#fffdf7', color: '#1a1a1a', fontFamily: 'R', padding: PAD }, [
    ...(m.notice ? [box({ alignSelf: 'flex-start', fontFamily: 'B', fontWeight: 700, fontSize: 36, color: '#fff', background: '#9b1c1c', padding: '6px 18px', marginBottom: 16 }, m.notice)] : []),
    box({ fontSize: 36, color: '#555' }, m.place),
    box({ fontFamily: 'B', fontWeight: 700, fontSize: 96, lineHeight: 1.2 }, m.village),
    box({ fontSize: 46 }, m.heading),
    box({ flexDirection: 'column', marginTop: 16 }, [
      ...m.rows.map((r) => box({ flexDirection: 'column', marginTop: 14, lineHeight: 1.25 }, [box({ fontSize: 40 }, r.name), box({ fontSize: 34, color: '#444' }, r.detail)])),
      ...(m.more ? [box({ fontSize: 34, color: '#444', marginTop: 14 }, m.more)] : []),
    ]),
    box({ flexDirection: 'column', marginTop: 24, fontFamily: 'B', fontWeight: 700, fontSize: 52, lineHeight: 1.2 }, [box({}, m.budget), box({ color: '#1e5c30' }, m.disbursed)]),
    // The QR code's place (drawn after layout) and what it leads to.
    box({ position: 'absolute', left: PAD, top: QR_TOP, width: CARD_WIDTH - 2 * PAD, height: QR_SIZE, flexDirection: 'row', alignItems: 'center' }, [
      box({ width: QR_SIZE, height: QR_SIZE, background: '#fff', border: '2px solid #1a1a1a' }),
      box({ flexDirection: 'column', marginLeft: 36, flex: 1 }, [
        box({ fontFamily: 'B', fontWeight: 700, fontSize: 44 }, m.qrLines[0]!),
        box({ fontSize: 30, color: '#444', marginTop: 8 }, m.qrLines[1]!),
        ...m.footer.map((line) => box({ fontSize: 30, color: '#444', marginTop: 16 }, line)),
      ]),
    ]),
  ]);
}

/** The QR modules as one SVG path inside the card's QR box, with a four-module quiet zone. */
function qrPath(url: string): string {
  const modules = qrModules(url);
  const size = modules.length;
  const unit = (QR_SIZE - 4) / (size + 8);
  const x0 = PAD + 2 + 4 * unit;
  const y0 = QR_TOP + 2 + 4 * unit;
  let d = '';
  modules.forEach((row, r) => row.forEach((dark, c) => dark && (d += `M${(x0 + c * unit).toFixed(2)} ${(y0 + r * unit).toFixed(2)}h${unit.toFixed(2)}v${unit.toFixed(2)}h-${unit.toFixed(2)}z`)));
  return `<path fill="#000" shape-rendering="crispEdges" d="${d}"/>`;
}

/** The card as SVG (satori's layout plus the QR code). */
export async function shareCardSvg(m: ShareCardModel): Promise<string> {
  const text = cardCharacters(m);
  const missing = missingCharacters(text);
  if (missing.length > 0) throw new MissingGlyphError(`the card of ${m.villageCode}/${m.year} has characters no font has: ${missing.join(' ')}`);
  const fonts = await subsetPosterFonts(text);
  const svg = await satori(tree(m) as never, {
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    fonts: [
      { name: 'R', data: Buffer.from(fonts.regular), weight: 400, style: 'normal' },
      { name: 'B', data: Buffer.from(fonts.bold), weight: 700, style: 'normal' },
    ],
  });
  return svg.replace(/<\/svg>\s*$/, `${qrPath(m.qrUrl)}</svg>`);
}

/** The card as a PNG. */
export async function drawShareCard(m: ShareCardModel): Promise<Uint8Array<ArrayBuffer>> {
  const png = await sharp(Buffer.from(await shareCardSvg(m))).png({ compressionLevel: 9 }).toBuffer();
  return new Uint8Array(png);
}
