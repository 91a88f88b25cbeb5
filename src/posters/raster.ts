/**
 * A small anti-aliasing rasteriser for posters: filled outlines (glyphs, boxes, rules) into an 8-bit
 * grey page. Coverage is exact for polygons (each edge adds the signed area it sweeps to an
 * accumulation row, and a running sum gives each pixel's share); curves are flattened to within a
 * tenth of a pixel. Pages are white with black and grey shapes only, so one channel is enough.
 *
 * Glyphs are drawn once per size, weight and quarter-pixel position and then copied, which is what
 * makes a poster of a thousand characters cheap: a run prints the same few hundred glyphs at a few
 * sizes on every poster.
 */

/** Coverage 0…255 of a shape, over its bounding box in whole pixels. */
export interface Coverage {
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Uint8Array;
}

/** An outline as straight edges in pixels: x0, y0, x1, y1 for each edge, closed contours only. */
export type Edges = number[];

/** Path commands in a compact form: 0 move (x y), 1 line (x y), 2 quadratic (x1 y1 x y), 3 cubic (x1 y1 x2 y2 x y), 4 close. */
export type PathCommands = number[];

const ARGS = [2, 2, 4, 6, 0];

/** Parses absolute SVG path data (M, L, Q, C, Z, as fontkit writes glyph outlines) into {@link PathCommands}. */
export function parseSvgPath(d: string): PathCommands {
  const out: PathCommands = [];
  for (const [, cmd, args] of d.matchAll(/([MLQCZ])([^MLQCZ]*)/g)) {
    const code = 'MLQCZ'.indexOf(cmd!);
    const values = args!.trim() === '' ? [] : args!.trim().split(/[\s,]+/).map(Number);
    if (values.length !== ARGS[code]) throw new Error(`SVG path: ${cmd} with ${values.length} numbers`);
    out.push(code, ...values);
  }
  return out;
}

/** The maximum distance, in pixels, between a curve and the straight edges that stand for it. */
const TOLERANCE = 0.1;

/**
 * Edges of `path` under the affine map x' = a·x + c·y + e, y' = b·x + d·y + f, curves flattened.
 * Open contours are closed, as a fill closes them.
 */
export function pathEdges(path: PathCommands, a: number, b: number, c: number, d: number, e: number, f: number, edges: Edges = []): Edges {
  let startX = 0;
  let startY = 0;
  let x = 0;
  let y = 0;
  let open = false;
  const lineTo = (nx: number, ny: number) => {
    edges.push(x, y, nx, ny);
    x = nx;
    y = ny;
  };
  const close = () => {
    if (open && (x !== startX || y !== startY)) lineTo(startX, startY);
    open = false;
  };
  for (let i = 0; i < path.length; ) {
    const code = path[i]!;
    const p = (k: number) => a * path[i + 1 + k]! + c * path[i + 2 + k]! + e;
    const q = (k: number) => b * path[i + 1 + k]! + d * path[i + 2 + k]! + f;
    switch (code) {
      case 0:
        close();
        x = startX = p(0);
        y = startY = q(0);
        open = true;
        break;
      case 1:
        lineTo(p(0), q(0));
        break;
      case 2: {
        const [x0, y0, x1, y1, x2, y2] = [x, y, p(0), q(0), p(2), q(2)];
        const n = Math.min(32, Math.max(1, Math.ceil(Math.sqrt(Math.hypot(x0 - 2 * x1 + x2, y0 - 2 * y1 + y2) / (4 * TOLERANCE)))));
        for (let s = 1; s <= n; s++) {
          const t = s / n;
          const u = 1 - t;
          lineTo(u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2);
        }
        break;
      }
      case 3: {
        const [x0, y0, x1, y1, x2, y2, x3, y3] = [x, y, p(0), q(0), p(2), q(2), p(4), q(4)];
        const dd = Math.max(Math.hypot(x0 - 2 * x1 + x2, y0 - 2 * y1 + y2), Math.hypot(x1 - 2 * x2 + x3, y1 - 2 * y2 + y3));
        const n = Math.min(32, Math.max(1, Math.ceil(Math.sqrt((0.75 * dd) / TOLERANCE))));
        for (let s = 1; s <= n; s++) {
          const t = s / n;
          const u = 1 - t;
          lineTo(u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3, u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3);
        }
        break;
      }
      case 4:
        close();
        break;
    }
    i += 1 + ARGS[code]!;
  }
  close();
  return edges;
}

/**
 * Coverage is kept to 17 levels: invisible at 150 dpi, and a PNG of few distinct greys compresses
 * to about two thirds of one with all 256 (resvg's anti-aliasing is similarly coarse).
 */
const LEVELS = Uint8Array.from({ length: 17 }, (_, i) => Math.round((i * 255) / 16));

/** R(u) = ∫₀ᵘ clamp(v, 0, 1) dv: the area right of an edge point, integrated across one pixel. */
const ramp = (u: number) => (u <= 0 ? 0 : u < 1 ? (u * u) / 2 : u - 0.5);

/**
 * Fills closed edges (non-zero winding, for shapes whose contours do not overlap themselves, as
 * glyph outlines and rectangles do not) and returns the coverage over their bounding box.
 */
export function fill(edges: Edges): Coverage {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < edges.length; i += 2) {
    const x = edges[i]!;
    const y = edges[i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!(minX < maxX && minY < maxY)) return { left: 0, top: 0, width: 0, height: 0, alpha: new Uint8Array(0) };
  const left = Math.floor(minX);
  const top = Math.floor(minY);
  const width = Math.ceil(maxX) - left;
  const height = Math.ceil(maxY) - top;
  const stride = width + 2;
  const acc = new Float32Array(stride * height);
  for (let i = 0; i < edges.length; i += 4) {
    let x0 = edges[i]! - left;
    let y0 = edges[i + 1]! - top;
    let x1 = edges[i + 2]! - left;
    let y1 = edges[i + 3]! - top;
    if (y0 === y1) continue;
    let dir = 1;
    if (y0 > y1) {
      [x0, y0, x1, y1] = [x1, y1, x0, y0];
      dir = -1;
    }
    const dxdy = (x1 - x0) / (y1 - y0);
    for (let row = Math.floor(y0); row < y1 && row < height; row++) {
      const ya = Math.max(row, y0);
      const yb = Math.min(row + 1, y1);
      const d = (yb - ya) * dir;
      const xa = x0 + (ya - y0) * dxdy;
      const xb = x0 + (yb - y0) * dxdy;
      const lo = Math.min(xa, xb);
      const hi = Math.max(xa, xb);
      const base = row * stride;
      const col = Math.floor(lo);
      if (Math.ceil(hi) <= col + 1) {
        // Within one pixel: the part right of the edge's mean x is covered.
        const right = col + 1 - (lo + hi) / 2;
        acc[base + col] += d * right;
        acc[base + col + 1] += d * (1 - right);
      } else {
        // Across several pixels: each gets the mean of its covered share as x runs from lo to hi.
        const end = Math.ceil(hi);
        const span = hi - lo;
        let previous = 0;
        for (let c = col; c < end; c++) {
          const covered = (d * (ramp(c + 1 - lo) - ramp(c + 1 - hi))) / span;
          acc[base + c] += covered - previous;
          previous = covered;
        }
        acc[base + end] += d - previous;
      }
    }
  }
  const alpha = new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    let sum = 0;
    const from = row * stride;
    const to = row * width;
    for (let c = 0; c < width; c++) {
      sum += acc[from + c]!;
      const v = sum < 0 ? -sum : sum;
      alpha[to + c] = v >= 1 ? 255 : LEVELS[(v * 16 + 0.5) | 0]!;
    }
  }
  return { left, top, width, height, alpha };
}

/** Grey `value` laid over grey `under` at coverage `a` (0–255), rounded. */
const blend = (under: number, value: number, a: number): number => under + (((value - under) * a + 127) / 255) | 0;

/** A grey page, white to start with. */
export interface GreyPage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function whitePage(width: number, height: number): GreyPage {
  return { width, height, pixels: new Uint8Array(width * height).fill(255) };
}

/** Paints `coverage`, moved by (dx, dy) whole pixels, in grey `value` (0 black … 255 white) over the page. */
export function paint(page: GreyPage, coverage: Coverage, dx: number, dy: number, value: number): void {
  const x0 = Math.max(0, coverage.left + dx);
  const y0 = Math.max(0, coverage.top + dy);
  const x1 = Math.min(page.width, coverage.left + dx + coverage.width);
  const y1 = Math.min(page.height, coverage.top + dy + coverage.height);
  const { pixels } = page;
  const { alpha } = coverage;
  for (let y = y0; y < y1; y++) {
    let p = y * page.width + x0;
    let q = (y - coverage.top - dy) * coverage.width + (x0 - coverage.left - dx);
    for (let x = x0; x < x1; x++, p++, q++) {
      const a = alpha[q]!;
      if (a === 0) continue;
      if (a === 255) pixels[p] = value;
      else {
        pixels[p] = blend(pixels[p]!, value, a);
      }
    }
  }
}

/**
 * Fills an axis-aligned rectangle with exact anti-aliased edges: a pixel's coverage is its
 * horizontal overlap times its vertical overlap.
 */
export function paintRect(page: GreyPage, x0: number, y0: number, x1: number, y1: number, value: number): void {
  const left = Math.max(0, Math.floor(x0));
  const right = Math.min(page.width, Math.ceil(x1));
  const top = Math.max(0, Math.floor(y0));
  const bottom = Math.min(page.height, Math.ceil(y1));
  if (left >= right || top >= bottom) return;
  const across = new Float32Array(right - left);
  for (let x = left; x < right; x++) across[x - left] = Math.min(x + 1, x1) - Math.max(x, x0);
  const { pixels } = page;
  for (let y = top; y < bottom; y++) {
    const down = Math.min(y + 1, y1) - Math.max(y, y0);
    let p = y * page.width + left;
    for (let i = 0; i < across.length; i++, p++) {
      const c = down * across[i]!;
      if (c >= 1) pixels[p] = value;
      else {
        const a = LEVELS[(c * 16 + 0.5) | 0]!;
        pixels[p] = blend(pixels[p]!, value, a);
      }
    }
  }
}

/** Fills a rectangle snapped to whole pixels, without anti-aliasing (QR modules stay crisp for scanners). */
export function paintCrispRect(page: GreyPage, x0: number, y0: number, x1: number, y1: number, value: number): void {
  const left = Math.max(0, Math.round(x0));
  const right = Math.min(page.width, Math.round(x1));
  const top = Math.max(0, Math.round(y0));
  const bottom = Math.min(page.height, Math.round(y1));
  for (let y = top; y < bottom; y++) page.pixels.fill(value, y * page.width + left, y * page.width + right);
}
