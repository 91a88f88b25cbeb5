/**
 * The staff's 草稿 poster preview, `GET /api/v1/villages/{code}/draft-poster.pdf|png`: token and
 * scope checks on both runtimes; on Node a real PDF (read back with pdftotext and pdfinfo) and PNG
 * of what publishing now would print, watermarked 草稿; on the Worker a 501 in the one error shape.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import type { ApiTarget } from '../support/api-target.ts';
import type { RuntimeInfo } from '../contract/contract-case.ts';
import { approve, auth, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, type Tokens } from './fixtures.ts';

const PDF = `/api/v1/villages/${VILLAGE_A1}/draft-poster.pdf`;
const PNG = `/api/v1/villages/${VILLAGE_A1}/draft-poster.png`;

/** Runs a poppler tool on the bytes; its stdout. */
function poppler(tool: 'pdftotext' | 'pdfinfo', bytes: ArrayBuffer, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'draft-poster-'));
  try {
    const file = join(dir, 'draft.pdf');
    writeFileSync(file, new Uint8Array(bytes));
    return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels between 215 and 245 (the watermark's grey is 230) in the middle third of the page. */
async function lightGreyPixelsInTheMiddle(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let y = Math.floor(info.height / 3); y < Math.floor((2 * info.height) / 3); y++) {
    for (let x = Math.floor(info.width / 4); x < Math.floor((3 * info.width) / 4); x++) {
      const v = data[y * info.width + x]!;
      if (v >= 215 && v <= 245) count++;
    }
  }
  return count;
}

export function runDraftPosterContract(newTarget: () => Promise<ApiTarget>, runtime: RuntimeInfo): void {
  describe('draft poster preview', () => {
    const onNode = runtime.name === 'node';
    const onWorker = runtime.name === 'workerd';
    let target: ApiTarget;
    let tokens: Tokens;
    const get = (path: string, token?: string) => target.request(path, token ? { headers: auth(token) } : {});

    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
      const rows = [
        projectRow('DP-APPROVED', VILLAGE_A1, { name: '禄福村组道路硬化', budgetCentral: 312000 }),
        projectRow('DP-PENDING', VILLAGE_A1, { name: '待审批的山塘清淤' }),
        projectRow('DP-GLYPH', VILLAGE_B1, { name: '新塘\uE000组道路' }),
      ];
      const upload = await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows });
      expect(upload.status, await upload.clone().text()).toBe(200);
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['DP-APPROVED']);
      await approve(target, { county: tokens.county, township: tokens.townshipB }, ['DP-GLYPH']);
    }, 120_000);
    afterAll(() => target.dispose());

    it('asks for a token', async () => {
      const res = await get(PDF);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) });
    });

    it.each([
      ['a village cadre of another village', 'villageB1'],
      ['a village cadre of a neighbouring village', 'villageA2'],
      ['a township reviewer of another township', 'townshipB'],
    ] as const)('refuses %s (403)', async (_who, who) => {
      for (const path of [PDF, PNG]) {
        const res = await get(path, tokens[who]);
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ code: 'OUT_OF_SCOPE', message: expect.stringContaining(VILLAGE_A1) });
      }
    });

    it('rejects a malformed village code or paper in the one error shape (400)', async () => {
      for (const path of ['/api/v1/villages/4304/draft-poster.pdf', `${PDF}?paper=B5`, `${PNG}?page=0`]) {
        const res = await get(path, tokens.county);
        expect(res.status, path).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
      }
    });

    it('is in the OpenAPI document, both formats', async () => {
      const doc = (await (await target.request('/api/v1/openapi.json')).json()) as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
      for (const ext of ['pdf', 'png']) {
        const op = doc.paths[`/villages/{code}/draft-poster.${ext}`]?.get;
        expect(op, ext).toBeDefined();
        expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '422', '501']));
      }
    });

    it.runIf(onWorker)('on the Worker, answers 501 with a clear message once the token and scope are checked', async () => {
      for (const path of [PDF, PNG]) {
        const res = await get(path, tokens.county);
        expect(res.status).toBe(501);
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(await res.json()).toEqual({ code: 'DRAFT_PREVIEW_UNAVAILABLE', message: expect.stringContaining('草稿预览只在本地服务器模式提供'), requestId: expect.any(String) });
      }
    });

    describe('on the Node server', () => {
      it.runIf(onNode)('draws the PDF publishing now would print: approved projects only, watermarked 草稿, no verification code', async () => {
        const res = await get(PDF, tokens.county);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^inline; filename="${VILLAGE_A1}-\\d{4}-draft-a4\\.pdf"; filename\\*=UTF-8''`));
        expect(decodeURIComponent(res.headers.get('content-disposition')!.split("UTF-8''")[1]!)).toMatch(/^草稿-禄福村委会-\d{4}-A4\.pdf$/);
        const bytes = await res.arrayBuffer();
        expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
        const text = poppler('pdftotext', bytes).replace(/\s+/g, '');
        expect(text).toContain('关于禄福村2025年度水库移民后期扶持项目实施情况的公示');
        expect(text).toContain('禄福村组道路硬化');
        expect(text).toContain('312,000.00');
        expect(text).not.toContain('待审批的山塘清淤');
        expect(text).toContain('草稿未发布，不作为公示依据');
        expect(text).not.toContain('核对码');
        expect(poppler('pdfinfo', bytes)).toMatch(/Title:\s+关于禄福村2025年度.*（草稿）/);
        // Nothing was published by looking.
        expect(await target.db.select().from(schema.disclosures)).toHaveLength(0);
      });

      it.runIf(onNode)('prints A3 on request, and a PNG page for phones', async () => {
        const a3 = await get(`${PDF}?paper=A3&year=2025`, tokens.townshipA);
        expect(a3.status).toBe(200);
        expect(poppler('pdfinfo', await a3.arrayBuffer())).toMatch(/Page size:\s+841\.89 x 1190\.55 pts \(A3\)/);

        const png = await get(PNG, tokens.villageA1);
        expect(png.status).toBe(200);
        expect(png.headers.get('content-type')).toBe('image/png');
        expect(png.headers.get('cache-control')).toBe('no-store');
        expect(png.headers.get('x-poster-pages')).toBe('1');
        const image = Buffer.from(await png.arrayBuffer());
        expect(image.subarray(1, 4).toString()).toBe('PNG');
        expect([image.readUInt32BE(16), image.readUInt32BE(20)]).toEqual([1240, 1754]);
        // The 草稿 watermark: large light-grey strokes across the middle of the page (a poster
        // without one has about 3,000 such pixels there, from the edges of black text).
        expect(await lightGreyPixelsInTheMiddle(image)).toBeGreaterThan(15_000);

        const missing = await get(`${PNG}?page=2`, tokens.villageA1);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toMatchObject({ code: 'NO_SUCH_PAGE' });
      });

      it.runIf(onNode)('lets the inspector look (a preview only reads)', async () => {
        expect((await get(PNG, tokens.inspector)).status).toBe(200);
      });

      it.runIf(onNode)('says when there is nothing to preview (404)', async () => {
        for (const path of [`/api/v1/villages/${VILLAGE_A2}/draft-poster.pdf`, `${PDF}?year=2019`]) {
          const res = await get(path, tokens.county);
          expect(res.status, path).toBe(404);
          expect(await res.json()).toMatchObject({ code: 'NOTHING_TO_PUBLISH', message: expect.stringContaining('没有县级已审批的项目') });
        }
      });

      it.runIf(onNode)('names characters no poster font has (422)', async () => {
        const res = await get(`/api/v1/villages/${VILLAGE_B1}/draft-poster.pdf`, tokens.townshipB);
        expect(res.status).toBe(422);
        expect(await res.json()).toMatchObject({ code: 'MISSING_GLYPHS', message: expect.stringContaining('U+E000') });
      });

      it.runIf(onNode)('after a published period has ended, previews the next version with its outcome (上次公示结果)', async () => {
        const published = await postJson(target, '/api/v1/publish', tokens.county, { year: 2025, asOf: '2025-06-30', periodStart: '2025-07-01' });
        expect(published.status, await published.clone().text()).toBe(200);
        const text = poppler('pdftotext', await (await get(PDF, tokens.county)).arrayBuffer()).replace(/\s+/g, '');
        expect(text).toContain('四、上次公示结果');
        expect(text).toContain('上次公示（第1版，2025年7月1日至2025年7月10日）期满，无异议。');
      });
    });
  });
}
