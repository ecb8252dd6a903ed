import { DataFactory, type Quad } from 'n3';
import type { ModelQueries } from '../../ontology/modelQueries.js';
import { FMAR, FMAR_CODE, RDF } from '../../rdf/namespaces.js';
import { parseDate } from '../cellValues.js';
import type { ImportContext, ImportedEntity, RowMapping, RowProblem, SourceImporter } from '../SourceImporter.js';
import type { TabularRow } from '../tabularFile.js';
import { normaliseLabel, type VocabularyMapping } from '../VocabularyMapping.js';
import { referencePartyEntity } from './referenceParty.js';

const { namedNode, literal, quad } = DataFactory;

/** The columns of UK Power Networks' flexibility dispatches the importer reads, as published. */
export const DISPATCH_COLUMNS = {
  companyName: 'company_name',
  fuId: 'fu_id',
  zone: 'zone',
  product: 'product',
  technology: 'technology',
  startLocal: 'start_time_local',
  endLocal: 'end_time_local',
  startUtc: 'start_time_utc',
  endUtc: 'end_time_utc',
} as const;

/** The source vocabulary of the technology column (data/mappings/source-vocabularies.ttl). */
export const DISPATCH_TECHNOLOGY_SCHEME = 'dispatch-technology';

/** The party role and identifier scheme of a provider: the name is informal ("Octopus"), so it is its own identifier. */
export const PROVIDER_ROLE = 'UKPN flexibility provider';
export const PROVIDER_SCHEME = 'ukpnFlexibilityProvider';

/** The system operator whose zones the file lists (FMAR SystemOperator code): the publisher of the dataset. */
const ZONE_OPERATOR = 'UKPN';

/** What a unit's rows must agree on; a later row that says otherwise is a warning and the first value stands. */
const UNIT_LEVEL_COLUMNS = [DISPATCH_COLUMNS.companyName, DISPATCH_COLUMNS.zone, DISPATCH_COLUMNS.technology] as const;
type UnitLevelColumn = (typeof UNIT_LEVEL_COLUMNS)[number];

/** The time columns, as start/end pairs: each given cell must be a date with a time of day; time_utc is not read. */
const TIME_PAIRS = [
  [DISPATCH_COLUMNS.startLocal, DISPATCH_COLUMNS.endLocal],
  [DISPATCH_COLUMNS.startUtc, DISPATCH_COLUMNS.endUtc],
] as const;

export interface DispatchImporterOptions {
  model: ModelQueries;
  /** The source vocabularies, holding the dispatch-technology scheme. */
  vocabulary: VocabularyMapping;
}

/**
 * UK Power Networks' flexibility dispatches (issue #9, the data README's file 3): the flexible units the rows name,
 * their providers and their flexibility zones, all shared entities (ImportRun merges the rows that give each and
 * records every one as a source):
 *
 * - one `fmar:FlexibleUnit` per fu_id, in its own graph `{base}reference/flexible-units/{fu_id, URL-encoded}`: its
 *   provider, its zone, its technology as published and as FMAR AssetCategory and DemandTechType codes (through the
 *   dispatch-technology SKOS mapping), and every product it was dispatched for (the union over its rows);
 * - one reference party per company_name, role "UKPN flexibility provider", keyed by the published name as an
 *   identifier of the scheme ukpnFlexibilityProvider: the names are informal ("Octopus", "Ohme", "EDF Energy"), not
 *   legal names, so they are linked to a registered organisation only when one has exactly that name, as its legal
 *   or trading name (OrganisationMatcher), never by a guess;
 * - one `fmar:FlexibilityZone` per zone, `{base}reference/flexibility-zones/{slug}`, with its name and its system
 *   operator (UKPN). The slug is the name's words (normaliseLabel: case and punctuation do not count), so
 *   "W. Weybridge" is w-weybridge; two spellings that differ only there are one zone holding both names.
 *
 * A unit's provider, zone and technology are the same in every row of the 2024-05 to 2025-12 file (226 units). A
 * later row that gives another one is a warning (conflicting-unit-value) and the first stands: the row still counts
 * as a dispatch of the unit, but its contradicting value is left out (and so is the party or zone only it names).
 *
 * Each row is a dispatch: a row without fu_id, or whose times are missing, not date-times, end before they start or
 * give the local and UTC columns as different instants, is rejected. The times are checked, not kept.
 *
 * Left out: every figure of the dispatch itself (MW and MWh requested, prices, hours requested, dispatch type and
 * method, start and end): they describe one dispatch, not the unit, and a unit given by a union of rows cannot hold
 * counts, first and last dates or maxima that stay right when a file is re-run or a newer edition adds rows (see
 * docs/import/dispatches.md). time_utc holds only a time of day (14:00:00+00:00), not a date: it is not read.
 */
export class DispatchImporter implements SourceImporter {
  readonly kind = 'dispatches';
  readonly headerColumns = [DISPATCH_COLUMNS.companyName, DISPATCH_COLUMNS.fuId, DISPATCH_COLUMNS.zone];
  readonly source = {
    title: 'UK Power Networks flexibility dispatches',
    publisher: 'UK Power Networks',
    licence: 'https://creativecommons.org/licenses/by/4.0/',
    attribution: 'Contains data from UK Power Networks, CC BY 4.0',
    dataset: 'UK Power Networks Open Data Portal, dataset ukpn-flexibility-dispatches',
  };
  private codeIris = new Map<string, string>();
  private operatorIri = '';
  /** fu_id -> for each unit-level column, the first value a row gave and that row (see the class comment). */
  private readonly firstValues = new Map<string, Map<UnitLevelColumn, { row: number; value: string; key: string }>>();

  constructor(private readonly options: DispatchImporterOptions) {}

  begin(): void {
    if (!this.options.vocabulary.schemes().includes(DISPATCH_TECHNOLOGY_SCHEME)) throw new Error(`the source vocabularies lack ${DISPATCH_TECHNOLOGY_SCHEME} (data/mappings/source-vocabularies.ttl)`);
    const { model } = this.options;
    this.codeIris = new Map(['AssetCategory', 'DemandTechType'].flatMap((scheme) => model.scheme(`${FMAR_CODE}${scheme}`).concepts.map((c) => [`${scheme}/${c.notation}`, c.iri] as const)));
    const operator = model.scheme(`${FMAR_CODE}SystemOperator`).concepts.find((c) => c.notation === ZONE_OPERATOR);
    if (!operator) throw new Error(`the SystemOperator code list has no ${ZONE_OPERATOR}`);
    this.operatorIri = operator.iri;
    this.firstValues.clear();
  }

  mapRow(row: TabularRow, context: ImportContext): RowMapping {
    const warnings: RowProblem[] = [];
    const errors: RowProblem[] = [];
    const cell = (column: string) => row.value(column);
    const id = cell(DISPATCH_COLUMNS.fuId);
    if (!id) errors.push({ reason: 'no-fu-id', column: DISPATCH_COLUMNS.fuId, message: 'the row names no flexible unit (fu_id)' });
    checkTimes(row, cell, errors);
    if (errors.length || !id) return { entities: [], warnings, errors };

    // The unit-level values: the first row of the unit to give each stands; a later row that differs is reported.
    const first = this.firstValues.get(id) ?? new Map<UnitLevelColumn, { row: number; value: string; key: string }>();
    this.firstValues.set(id, first);
    const unitValue = (column: UnitLevelColumn, key: (value: string) => string) => {
      const value = cell(column);
      if (value === undefined) return undefined;
      const given = first.get(column);
      if (!given) {
        first.set(column, { row: row.row, value, key: key(value) });
        return value;
      }
      if (given.key === key(value)) return value;
      warnings.push({ reason: 'conflicting-unit-value', column, value, message: `row ${given.row} gave flexible unit ${id} the ${column} ${JSON.stringify(given.value)}; that value stands` });
      return undefined;
    };

    const iri = `${context.baseIri}reference/flexible-units/${encodeURIComponent(id)}`;
    const s = namedNode(iri);
    const out: Quad[] = [];
    const add = (p: string, o: Quad['object']) => out.push(quad(s, namedNode(`${FMAR}${p}`), o, s));
    out.push(quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}FlexibleUnit`), s));
    add('sourceKey', literal(id));
    add('flexibleUnitId', literal(id));
    const entities: ImportedEntity[] = [{ iri, key: id, quads: out, label: `flexible unit ${id}`, shared: true }];

    if (cell(DISPATCH_COLUMNS.companyName) === undefined) warnings.push({ reason: 'no-provider', column: DISPATCH_COLUMNS.companyName, message: 'the row names no provider (company_name): the unit is imported without one from this row' });
    const providerName = unitValue(DISPATCH_COLUMNS.companyName, (v) => v);
    if (providerName) {
      const provider = referencePartyEntity(context.baseIri, providerName, PROVIDER_ROLE, { scheme: PROVIDER_SCHEME, value: providerName })!;
      add('flexibleUnitProvider', namedNode(provider.iri));
      entities.push(provider);
    }

    const zoneName = cell(DISPATCH_COLUMNS.zone);
    const slug = zoneName === undefined ? undefined : zoneSlug(zoneName);
    if (zoneName === undefined) warnings.push({ reason: 'no-zone', column: DISPATCH_COLUMNS.zone, message: 'the row names no flexibility zone: the unit is imported without one from this row' });
    else if (!slug) warnings.push({ reason: 'no-zone', column: DISPATCH_COLUMNS.zone, value: zoneName, message: 'the zone name has no letters or digits to name a zone by' });
    else if (unitValue(DISPATCH_COLUMNS.zone, zoneSlug) !== undefined) {
      const zone = this.zoneEntity(context.baseIri, slug, zoneName);
      add('inFlexibilityZone', namedNode(zone.iri));
      entities.push(zone);
    }

    if (cell(DISPATCH_COLUMNS.technology) === undefined) warnings.push({ reason: 'no-technology', column: DISPATCH_COLUMNS.technology, message: 'the row gives no technology' });
    const technology = unitValue(DISPATCH_COLUMNS.technology, normaliseLabel);
    if (technology) {
      add('flexibleUnitTechnology', literal(technology));
      for (const code of this.technologyCodes(technology, warnings)) add(code.property, namedNode(code.iri));
    }

    const product = cell(DISPATCH_COLUMNS.product);
    if (product) add('flexibleUnitProduct', literal(product));
    else warnings.push({ reason: 'no-product', column: DISPATCH_COLUMNS.product, message: 'the row names no product' });

    return { entities, warnings, errors };
  }

  /** The zone a row names: shared by every unit in it. */
  private zoneEntity(baseIri: string, slug: string, name: string): ImportedEntity {
    const iri = `${baseIri}reference/flexibility-zones/${slug}`;
    const s = namedNode(iri);
    const quads = [
      quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}FlexibilityZone`), s),
      quad(s, namedNode(`${FMAR}sourceKey`), literal(slug), s),
      quad(s, namedNode(`${FMAR}flexibilityZoneName`), literal(name), s),
      quad(s, namedNode(`${FMAR}flexibilityZoneOperator`), namedNode(this.operatorIri), s),
    ];
    return { iri, key: slug, quads, label: `flexibility zone ${name}`, shared: true };
  }

  /** The AssetCategory and DemandTechType codes the technology maps to (SKOS mapping); none, reported, when it maps to neither. */
  private technologyCodes(technology: string, warnings: RowProblem[]): { property: string; iri: string }[] {
    const mapped = this.options.vocabulary.map(DISPATCH_TECHNOLOGY_SCHEME, technology);
    if (!mapped) return [];
    if ('unmapped' in mapped) {
      warnings.push({ reason: 'unmapped-value', column: DISPATCH_COLUMNS.technology, value: technology, message: 'no concept of the dispatch technologies (data/mappings/source-vocabularies.ttl) has this label: the value is kept as published, without an FMAR code' });
      return [];
    }
    const codes = [
      ['flexibleUnitAssetCategory', mapped.codes.AssetCategory && this.codeIris.get(`AssetCategory/${mapped.codes.AssetCategory}`)],
      ['flexibleUnitDemandTechType', mapped.codes.DemandTechType && this.codeIris.get(`DemandTechType/${mapped.codes.DemandTechType}`)],
    ].filter((c): c is [string, string] => Boolean(c[1]));
    if (!codes.length) warnings.push({ reason: 'unmapped-value', column: DISPATCH_COLUMNS.technology, value: technology, message: `the concept ${mapped.concept} maps to no AssetCategory or DemandTechType code` });
    return codes.map(([property, iri]) => ({ property, iri }));
  }
}

/** The zone's IRI segment: the words of its name (normaliseLabel) joined by hyphens, URL-encoded; '' for a name without letters or digits. */
export function zoneSlug(name: string): string {
  return encodeURIComponent(normaliseLabel(name).replace(/ /g, '-'));
}

/**
 * Rejects a row that is not a dispatch in time: for start and end, the local or the UTC column (or both) must be
 * given; every time given must be a date with a time of day (cellValues.parseDate, which also checks the calendar,
 * the clock and the offset); the end must be after the start; and local and UTC must be the same instant.
 */
function checkTimes(row: TabularRow, cell: (column: string) => string | undefined, errors: RowProblem[]): void {
  const instants = new Map<string, number>();
  const before = errors.length;
  for (const pair of TIME_PAIRS) {
    for (const column of pair) {
      const text = cell(column);
      if (text === undefined) continue;
      const date = parseDate(text);
      if ('problem' in date) errors.push({ reason: 'bad-time', column, value: text, message: date.problem });
      else if (!/\d:\d\d/.test(text)) errors.push({ reason: 'bad-time', column, value: text, message: `"${text}" is a date without a time of day` });
      else {
        const ms = instant(text, column.endsWith('_utc'));
        if (ms !== undefined) instants.set(column, ms);
      }
    }
  }
  if (errors.length > before) return;
  for (const [i, side] of [[0, 'start'], [1, 'end']] as const) {
    if (TIME_PAIRS.every((pair) => cell(pair[i]) === undefined)) errors.push({ reason: 'no-time', column: TIME_PAIRS[1][i], message: `the row gives no ${side} time (${TIME_PAIRS.map((pair) => pair[i]).join(' or ')})` });
  }
  for (const [start, end] of TIME_PAIRS) {
    const from = instants.get(start);
    const to = instants.get(end);
    if (from !== undefined && to !== undefined && to <= from) errors.push({ reason: 'bad-time-range', column: end, value: cell(end), message: `the dispatch ends (${cell(end)}) no later than it starts (${cell(start)})` });
  }
  for (const i of [0, 1]) {
    const [local, utc] = TIME_PAIRS.map((pair) => pair[i]);
    const a = instants.get(local);
    const b = instants.get(utc);
    if (a !== undefined && b !== undefined && a !== b) errors.push({ reason: 'bad-time-range', column: utc, value: cell(utc), message: `${local} ${cell(local)} and ${utc} ${cell(utc)} are not the same instant` });
  }
}

/**
 * The instant an ISO date-time names (the dispatches write 2025-06-23T15:00:00+01:00 and 2025-06-23 14:00:00+00:00),
 * in ms; a UTC column's time without an offset is UTC. undefined when it has no offset and is not UTC (a local wall
 * time: not an instant without a time zone rule) or is not ISO (a day-first date: parseDate checked it).
 */
function instant(text: string, utc: boolean): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return undefined;
  const zone = m[3] ?? (utc ? 'Z' : undefined);
  if (zone === undefined) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`}`);
  return Number.isNaN(ms) ? undefined : ms;
}
