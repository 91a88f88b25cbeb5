/**
 * The disclosure a village would get if the county published now: the same content
 * publishDisclosures would snapshot (buildVillageContents over the approved ledger, cut off
 * today), plus how the latest published version ended, for the staff's 草稿 poster preview.
 * Reads only; nothing is written.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { directSubsidies, disclosures, projects } from '../../db/schema.ts';
import type { VillageDisclosureContent } from '../domain/disclosure/disclosure-content.ts';
import type { PreviousDisclosureOutcome } from '../posters/model.ts';
import { countyOfCode } from './county-settings.ts';
import { buildVillageContents } from './disclosures.ts';
import { loadLedger } from './ledger.ts';
import { loadLatestOutcome } from './previous-outcome.ts';

export type DraftVillageDisclosure =
  | {
      ok: true;
      year: number;
      content: VillageDisclosureContent;
      /** The latest published version of that year, if any: the draft would be the next one. */
      latestVersion: number | null;
      previous: PreviousDisclosureOutcome | null;
    }
  | { ok: false; code: 'NOTHING_TO_PUBLISH' | 'UNKNOWN_VILLAGE'; message: string };

/** The newest year with a county-approved project or a direct subsidy for the village, or null. */
async function latestLedgerYear(db: Database, villageCode: string): Promise<number | null> {
  const [project] = await db
    .select({ year: projects.year })
    .from(projects)
    .where(and(eq(projects.villageCode, villageCode), eq(projects.workflowState, 'county_approved')))
    .orderBy(desc(projects.year))
    .limit(1);
  const [subsidy] = await db.select({ year: directSubsidies.year }).from(directSubsidies).where(eq(directSubsidies.villageCode, villageCode)).orderBy(desc(directSubsidies.year)).limit(1);
  const years = [project?.year, subsidy?.year].filter((y): y is number => y !== undefined);
  return years.length > 0 ? Math.max(...years) : null;
}

/**
 * Builds the draft disclosure of one village. `year` defaults to the newest year the village has
 * approved projects or a direct subsidy in; `today` (ISO, Asia/Shanghai) is the cut-off, as a
 * publish today would use, and the day the previous outcome is judged on.
 */
export async function loadDraftVillageDisclosure(db: Database, options: { villageCode: string; year?: number | undefined; today: string }): Promise<DraftVillageDisclosure> {
  const { villageCode, today } = options;
  const year = options.year ?? (await latestLedgerYear(db, villageCode));
  const nothing = (y: number | null): DraftVillageDisclosure => ({
    ok: false,
    code: 'NOTHING_TO_PUBLISH',
    message: `该村${y === null ? '' : ` ${y} 年`}没有县级已审批的项目，也没有直补资金记录，发布时不会生成公示，所以没有草稿可看。项目审批通过后再来预览。`,
  });
  if (year === null) return nothing(null);
  // The village's county only: what a publish by that county would read.
  const ledger = await loadLedger(db, { year, scopeCode: countyOfCode(villageCode) });
  const has = ledger.projects.some((p) => p.villageCode === villageCode) || ledger.directSubsidies.some((s) => s.villageCode === villageCode);
  if (!has) return nothing(year);
  // A database holding the sample county publishes sample disclosures (as POST /publish decides).
  const [sample] = await db.select({ id: disclosures.id }).from(disclosures).where(eq(disclosures.isSample, true)).limit(1);
  const built = await buildVillageContents(db, { year, asOf: today, isSample: sample !== undefined, ledger, villageCodes: [villageCode] });
  if (!built.ok) return { ok: false, code: 'UNKNOWN_VILLAGE', message: built.message };
  const { latest, outcome } = await loadLatestOutcome(db, villageCode, year, today);
  return { ok: true, year, content: built.contents[0]!, latestVersion: latest?.version ?? null, previous: outcome };
}
