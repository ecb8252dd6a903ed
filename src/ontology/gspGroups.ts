import { parse } from 'csv-parse/sync';
import type { GspGroupRow } from './codeCatalogue.js';

/**
 * Reads the standard GSP group table (data/reference/gsp-groups.csv) and checks it against the table
 * derived from real GB data (../shared/data/gb/gsp_groups_derived.csv). The issue asks for the 14 groups
 * "checked against the standard table": a disagreement in group ids or distributor ids stops generation.
 */
export function readGspGroups(referenceCsv: string, derivedCsv: string): GspGroupRow[] {
  const reference = parse(referenceCsv, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const derived = parse(derivedCsv, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const derivedById = new Map(derived.map((row) => [row.gsp_group_id, row]));
  const problems: string[] = [];
  if (reference.length !== 14) problems.push(`the standard table has ${reference.length} GSP groups, expected 14`);
  const groups = reference.map((row): GspGroupRow => {
    const seen = derivedById.get(row.gsp_group_id);
    if (!seen) problems.push(`GSP group ${row.gsp_group_id} is missing from the derived table`);
    else if (seen.mpan_distributor_id !== row.mpan_distributor_id) {
      problems.push(`GSP group ${row.gsp_group_id}: distributor id ${row.mpan_distributor_id} in the standard table, ${seen.mpan_distributor_id} in the derived table`);
    }
    if (!/^_[A-P]$/.test(row.gsp_group_id)) problems.push(`bad GSP group id ${JSON.stringify(row.gsp_group_id)}`);
    if (!/^(1[0-9]|2[0-3])$/.test(row.mpan_distributor_id)) problems.push(`GSP group ${row.gsp_group_id}: distributor id must be 10 to 23`);
    return {
      gspGroupId: row.gsp_group_id,
      name: row.gsp_group_name,
      mpanDistributorId: row.mpan_distributor_id,
      dnoCode: row.dno_code,
      licenceAreaName: row.licence_area_name,
      nameVariants: seen ? seen.elexon_gsp_group_name_variants_2022.split('|').map((v) => v.trim()).filter(Boolean) : [],
    };
  });
  for (const id of derivedById.keys()) {
    if (!reference.some((row) => row.gsp_group_id === id)) problems.push(`GSP group ${id} of the derived table is not in the standard table`);
  }
  if (new Set(groups.map((g) => g.mpanDistributorId)).size !== groups.length) problems.push('distributor ids are not unique');
  if (problems.length) throw new Error(`GSP group tables disagree:\n- ${problems.join('\n- ')}`);
  return groups;
}
