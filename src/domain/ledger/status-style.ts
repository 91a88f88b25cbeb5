/**
 * How a project status is drawn on the site and the map: one of four groups, each with a colour
 * AND a letter and shape, so the map legend still reads in greyscale or for colour-blind users.
 */
import type { MilestoneKind } from './ledger.ts';

export type StatusGroup = 'none' | 'planned' | 'started' | 'done';

export interface StatusStyle {
  group: StatusGroup;
  /** Short letter drawn inside the map marker. */
  letter: string;
  shape: 'circle' | 'square' | 'diamond' | 'triangle';
  colour: string;
  /** Legend text. */
  label: string;
}

export const STATUS_STYLES: Readonly<Record<StatusGroup, StatusStyle>> = {
  none: { group: 'none', letter: '申', shape: 'triangle', colour: '#6b3a00', label: '未申报' },
  planned: { group: 'planned', letter: '未', shape: 'diamond', colour: '#8a4b00', label: '未开工' },
  started: { group: 'started', letter: '建', shape: 'square', colour: '#003f88', label: '在建' },
  done: { group: 'done', letter: '完', shape: 'circle', colour: '#1e5c30', label: '已完工（含验收、决算）' },
};

/** The group of a status: not applied, approved but not started, under construction, finished. */
export function statusGroup(kind: MilestoneKind | null): StatusGroup {
  switch (kind) {
    case null:
      return 'none';
    case 'applied':
    case 'village_reviewed':
    case 'township_reviewed':
    case 'county_approved':
      return 'planned';
    case 'started':
      return 'started';
    default:
      return 'done';
  }
}

/** CSS class of a status badge. */
export function statusClass(kind: MilestoneKind | null): string {
  return `st-${statusGroup(kind)}`;
}
