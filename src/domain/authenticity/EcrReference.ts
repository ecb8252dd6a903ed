import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DataFactory, type Quad } from 'n3';
import { READABLE_BY } from '../../access/accessIndex.js';
import { audience } from '../../access/audiences.js';
import type { ModelQueries } from '../../ontology/modelQueries.js';
import { DCTERMS, FMAR, FMAR_CODE, PROV, RDF, XSD } from '../../rdf/namespaces.js';
import type { CommitReceipt, RegistryStore } from '../../store/RegistryStore.js';
import { selectBindings } from '../../store/selectBindings.js';
import { assetCategoryOfEcrTechnology } from './ecrTechnologyCategory.js';
import { dnoCodeOfLicenceArea } from './ecrLicenceArea.js';

const { namedNode, literal, quad } = DataFactory;

/**
 * A DNO's Embedded Capacity Register as reference data (UC-02.02 step 4: "DNO connection data" as a trusted source;
 * requirements §4: ECR IDs are aliases of an FMAR asset). One published edition becomes one named graph,
 * `{base}reference/ecr/{slug}`, holding one fmar:EcrEntry per row (with its fmar:EcrTechnology pairs) and the
 * graph's provenance: the file it was read from (with its SHA-256), the publisher, the licence and the attribution
 * line to show wherever the data is shown.
 *
 * Only what the cross-check needs is kept: references, connection status, capacities, technologies and licence
 * area. Customer names, addresses and MPANs stay out of the registry (the data README: real data about real
 * sites, some of them individuals; "do not enrich them").
 *
 * How an asset's ecrReference names a row: the ECR has no row identifier of its own (its Reference column is empty
 * in 1,239 of the 1,240 rows of the 2025-08 UKPN file), so a row is named by the line of the published file it sits
 * on, as data/sample/assets.json already does: `UKPN-ECR-row-78` is line 78 (the header is line 1). Line numbers
 * belong to one edition, so each entry also answers to the edition-qualified `UKPN-ECR-2025-08-row-78`, and to the
 * register's own Reference where the row gives one (and it is not the row's MPAN).
 */
export interface EcrEdition {
  /** The operator code references start with, e.g. UKPN. */
  operator: string;
  /** The edition, yyyy-mm. */
  edition: string;
  /** The graph's last path segment under {base}reference/ecr/. */
  slug: string;
  title: string;
  publisher: string;
  /** Licence IRI. */
  licence: string;
  /** The attribution line to keep wherever the data is shown. */
  attribution: string;
  /** The publisher's dataset, in words. */
  dataset: string;
  /** IRI of the exact file the copy was taken from. */
  derivedFrom: string;
  /** When that file last changed, yyyy-mm-dd. */
  lastChanged: string;
}

/** File 1 of ../shared/data/gb/README.md: the UK Power Networks ECR (1 MW and above), August 2025. */
export const UKPN_ECR_1MW_PLUS_2025_08: EcrEdition = {
  operator: 'UKPN',
  edition: '2025-08',
  slug: 'ukpn-2025-08',
  title: 'UK Power Networks Embedded Capacity Register (1 MW and above), August 2025',
  publisher: 'UK Power Networks',
  licence: 'https://creativecommons.org/licenses/by/4.0/',
  attribution: 'Contains data from UK Power Networks, CC BY 4.0',
  dataset: 'UK Power Networks Open Data Portal, dataset ukpn-embedded-capacity-register',
  derivedFrom: 'https://github.com/atlanticchilli/project-overflow/blob/f65a3896b1ab01fb54475e8d9c46a06b10e1e70c/ukpn-embedded-capacity-register.csv',
  lastChanged: '2025-08-26',
};

export interface EcrTechnologyEntry {
  iri: string;
  /** Which of the register's column groups (1 to 3) it was read from. */
  slot: number;
  energySource?: string;
  conversionTechnology?: string;
  /** kW, exact decimal text (the register publishes MW). */
  capacityKw?: string;
  /** AssetCategory notation, e.g. BESS. */
  assetCategory?: string;
}

export interface EcrEntry {
  iri: string;
  /** Line of the published file (header: line 1). */
  line: number;
  references: string[];
  connectionStatus?: string;
  /** kW, exact decimal text. */
  registeredCapacityKw?: string;
  /** As published, e.g. Eastern Power Networks (EPN). */
  licenceArea?: string;
  /** DNOCode notation, e.g. UKPN_EPN. */
  dnoArea?: string;
  technologies: EcrTechnologyEntry[];
}

export interface EcrReferenceOptions {
  baseIri: string;
  edition: EcrEdition;
  model: ModelQueries;
}

export function ecrGraph(baseIri: string, edition: EcrEdition): string {
  return `${baseIri}reference/ecr/${edition.slug}`;
}

/** The ECR columns the entries are read from; headers are matched without regard to case or spacing. */
const COLUMNS = {
  licenceArea: 'Licence Area',
  connectionStatus: 'Connection Status',
  connectedCapacity: 'Already connected Registered Capacity (MW)',
  acceptedCapacity: 'Accepted to Connect Registered Capacity (MW)',
  reference: 'Reference',
  exportMpan: 'Export MPAN / MSID',
  importMpan: 'Import MPAN / MSID',
  energySource: (n: number) => `Energy Source ${n}`,
  conversionTechnology: (n: number) => `Energy Conversion Technology ${n}`,
  cogeneration: (n: number) => (n === 1 ? 'CHP Cogeneration (Yes/No)' : `CHP Cogeneration ${n} (Yes/No)`),
  technologyCapacity: (n: number) => `Energy Source & Energy Conversion Technology ${n} - Registered Capacity (MW)`,
};
const SLOTS = [1, 2, 3];
/** Placeholders real ECR files use for "no value" (ecr_enumerations.json, sentinels_seen_in_real_files). */
const NO_VALUE = /^(data not available|data not applicable|not applicable|to be confirmed|n\/a)?$/i;

export class EcrReference {
  private readonly byReference: Map<string, EcrEntry>;

  private constructor(
    readonly edition: EcrEdition,
    readonly graph: string,
    readonly entries: EcrEntry[],
    /** Name of the file read and the SHA-256 of its bytes. */
    readonly sourceFile: string,
    readonly sha256: string,
  ) {
    this.byReference = new Map(entries.flatMap((e) => e.references.map((r) => [r, e] as const)));
  }

  static async fromFile(path: string, options: EcrReferenceOptions): Promise<EcrReference> {
    return EcrReference.parse(await readFile(path), basename(path), options);
  }

  /**
   * Reads the published CSV: UTF-8 with a byte order mark, CRLF line ends, 62 ENA columns (the data README). A
   * missing column is an error naming it; a row with another number of fields is an error naming its line.
   */
  static parse(bytes: Buffer, sourceFile: string, options: EcrReferenceOptions): EcrReference {
    const graph = ecrGraph(options.baseIri, options.edition);
    const dnoCodes = options.model.scheme(`${FMAR_CODE}DNOCode`).concepts;
    const records = parse(bytes, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[];
    if (!records.length) throw new Error(`${sourceFile}: empty file`);
    const header = records[0].record.map(normaliseHeader);
    const column = (name: string): number => {
      const index = header.indexOf(normaliseHeader(name));
      if (index < 0) throw new Error(`${sourceFile}: no column "${name}"`);
      return index;
    };
    const at = {
      licenceArea: column(COLUMNS.licenceArea),
      connectionStatus: column(COLUMNS.connectionStatus),
      connectedCapacity: column(COLUMNS.connectedCapacity),
      acceptedCapacity: column(COLUMNS.acceptedCapacity),
      reference: column(COLUMNS.reference),
      mpans: [column(COLUMNS.exportMpan), column(COLUMNS.importMpan)],
      slots: SLOTS.map((n) => ({ n, source: column(COLUMNS.energySource(n)), technology: column(COLUMNS.conversionTechnology(n)), cogeneration: column(COLUMNS.cogeneration(n)), capacity: column(COLUMNS.technologyCapacity(n)) })),
    };
    const entries: EcrEntry[] = [];
    for (let i = 1; i < records.length; i++) {
      const { record } = records[i];
      // The line a record starts on: the one after the previous record ends (fields may span lines).
      const line = records[i - 1].info.lines + 1;
      if (record.length !== header.length) throw new Error(`${sourceFile}, line ${line}: ${record.length} fields where the header has ${header.length}`);
      const text = (index: number) => (NO_VALUE.test(record[index].trim()) ? undefined : record[index].trim());
      const iri = `${graph}/rows/${line}`;
      const technologies = at.slots
        .map(({ n, source, technology, cogeneration, capacity }): EcrTechnologyEntry => ({
          iri: `${iri}/technologies/${n}`,
          slot: n,
          energySource: text(source),
          conversionTechnology: text(technology),
          capacityKw: megawattsToKilowatts(record[capacity]),
          assetCategory: assetCategoryOfEcrTechnology(text(source), text(technology), text(cogeneration)),
        }))
        .filter((t) => t.energySource || t.conversionTechnology || t.capacityKw);
      const connectionStatus = text(at.connectionStatus);
      const statusCapacity = megawattsToKilowatts(record[/^connected$/i.test(connectionStatus ?? '') ? at.connectedCapacity : at.acceptedCapacity]);
      const technologyCapacities = technologies.map((t) => t.capacityKw).filter((c): c is string => c !== undefined);
      const licenceArea = text(at.licenceArea);
      // The register's own Reference, unless it is only the row's MPAN again (line 327 of the 2025-08 file): MPANs
      // stay out of the registry's reference data.
      const ownReference = text(at.reference);
      const isMpan = ownReference !== undefined && at.mpans.some((i) => record[i].trim() === ownReference);
      entries.push({
        iri,
        line,
        references: [`${options.edition.operator}-ECR-row-${line}`, `${options.edition.operator}-ECR-${options.edition.edition}-row-${line}`, ...(ownReference && !isMpan ? [ownReference] : [])],
        connectionStatus,
        registeredCapacityKw: statusCapacity ?? (technologyCapacities.length ? sumDecimals(technologyCapacities) : undefined),
        licenceArea,
        dnoArea: licenceArea ? dnoCodeOfLicenceArea(licenceArea, dnoCodes)?.notation : undefined,
        technologies,
      });
    }
    return new EcrReference(options.edition, graph, entries, sourceFile, createHash('sha256').update(bytes).digest('hex'));
  }

  entryByReference(reference: string): EcrEntry | undefined {
    return this.byReference.get(reference.trim());
  }

  /** Every quad of the edition, all in its one graph: the graph's provenance, then the entries in file order. */
  quads(): Quad[] {
    const g = namedNode(this.graph);
    const out: Quad[] = [];
    const add = (s: string, p: string, o: ReturnType<typeof namedNode> | ReturnType<typeof literal>) => out.push(quad(namedNode(s), namedNode(p), o, g));
    const e = this.edition;
    const file = e.derivedFrom;
    add(this.graph, `${RDF}type`, namedNode(`${PROV}Entity`));
    add(this.graph, `${DCTERMS}title`, literal(e.title, 'en'));
    add(this.graph, `${DCTERMS}publisher`, literal(e.publisher));
    add(this.graph, `${DCTERMS}license`, namedNode(e.licence));
    add(this.graph, `${DCTERMS}bibliographicCitation`, literal(e.attribution, 'en'));
    add(this.graph, `${DCTERMS}source`, literal(e.dataset));
    add(this.graph, `${DCTERMS}description`, literal(`${this.entries.length} rows of ${this.sourceFile}, read by the FMAR registry as reference for the authenticity checks of UC-02.02; customer names, addresses and MPANs left out.`, 'en'));
    add(this.graph, `${PROV}wasDerivedFrom`, namedNode(file));
    add(file, `${RDF}type`, namedNode(`${PROV}Entity`));
    add(file, `${DCTERMS}title`, literal(this.sourceFile));
    add(file, `${DCTERMS}identifier`, literal(`sha256:${this.sha256}`));
    add(file, `${DCTERMS}modified`, literal(e.lastChanged, namedNode(`${XSD}date`)));
    add(file, `${DCTERMS}publisher`, literal(e.publisher));
    add(file, `${DCTERMS}license`, namedNode(e.licence));
    const decimal = (v: string) => literal(v, namedNode(`${XSD}decimal`));
    const integer = (n: number) => literal(String(n), namedNode(`${XSD}integer`));
    for (const entry of this.entries) {
      add(entry.iri, `${RDF}type`, namedNode(`${FMAR}EcrEntry`));
      for (const r of entry.references) add(entry.iri, `${FMAR}ecrEntryReference`, literal(r));
      add(entry.iri, `${FMAR}ecrLineNumber`, integer(entry.line));
      if (entry.connectionStatus) add(entry.iri, `${FMAR}ecrConnectionStatus`, literal(entry.connectionStatus));
      if (entry.registeredCapacityKw) add(entry.iri, `${FMAR}ecrRegisteredCapacity`, decimal(entry.registeredCapacityKw));
      if (entry.licenceArea) add(entry.iri, `${FMAR}ecrLicenceArea`, literal(entry.licenceArea));
      if (entry.dnoArea) add(entry.iri, `${FMAR}ecrDnoArea`, namedNode(`${FMAR_CODE}DNOCode/${entry.dnoArea}`));
      for (const t of entry.technologies) {
        add(entry.iri, `${FMAR}ecrTechnology`, namedNode(t.iri));
        add(t.iri, `${RDF}type`, namedNode(`${FMAR}EcrTechnology`));
        add(t.iri, `${FMAR}ecrTechnologySlot`, integer(t.slot));
        if (t.energySource) add(t.iri, `${FMAR}ecrEnergySource`, literal(t.energySource));
        if (t.conversionTechnology) add(t.iri, `${FMAR}ecrConversionTechnology`, literal(t.conversionTechnology));
        if (t.capacityKw) add(t.iri, `${FMAR}ecrTechnologyCapacity`, decimal(t.capacityKw));
        if (t.assetCategory) add(t.iri, `${FMAR}ecrAssetCategory`, namedNode(`${FMAR_CODE}AssetCategory/${t.assetCategory}`));
      }
    }
    return out;
  }
}

/**
 * Writes the edition's graph (replacing an earlier load of the same edition) and makes it readable by everyone, as
 * reference data is (docs/access.md: reference data is public; `{base}.well-known/fmar/reference-access`).
 */
export function loadEcrReference(store: RegistryStore, baseIri: string, reference: EcrReference): Promise<CommitReceipt> {
  const readable = quad(namedNode(reference.graph), namedNode(READABLE_BY), namedNode(audience.public(baseIri)), namedNode(`${baseIri}.well-known/fmar/reference-access`));
  return store.commit({ replaceGraphs: [reference.graph], add: [...reference.quads(), readable] });
}

/** The entry a reference names in the first of the given ECR graphs that holds it, read back from the store. */
export async function readEcrEntry(store: Pick<RegistryStore, 'query'>, graphs: readonly string[], reference: string): Promise<EcrEntry | undefined> {
  if (!graphs.length) return undefined;
  const values = graphs.map((g, i) => `(<${g}> ${i})`).join(' ');
  const ref = JSON.stringify(reference.trim());
  const rows = await selectBindings(store, `SELECT ?entry ?rank ?line ?status ?capacity ?area ?dno ?tech ?slot ?source ?technology ?techCapacity ?category WHERE {
    VALUES (?graph ?rank) { ${values} }
    GRAPH ?graph {
      ?entry <${FMAR}ecrEntryReference> ${ref} ; <${FMAR}ecrLineNumber> ?line .
      OPTIONAL { ?entry <${FMAR}ecrConnectionStatus> ?status }
      OPTIONAL { ?entry <${FMAR}ecrRegisteredCapacity> ?capacity }
      OPTIONAL { ?entry <${FMAR}ecrLicenceArea> ?area }
      OPTIONAL { ?entry <${FMAR}ecrDnoArea> ?dno }
      OPTIONAL {
        ?entry <${FMAR}ecrTechnology> ?tech . ?tech <${FMAR}ecrTechnologySlot> ?slot .
        OPTIONAL { ?tech <${FMAR}ecrEnergySource> ?source }
        OPTIONAL { ?tech <${FMAR}ecrConversionTechnology> ?technology }
        OPTIONAL { ?tech <${FMAR}ecrTechnologyCapacity> ?techCapacity }
        OPTIONAL { ?tech <${FMAR}ecrAssetCategory> ?category }
      }
    }
  } ORDER BY ?rank ?slot`);
  if (!rows.length) return undefined;
  const first = rows.filter((r) => r.entry.value === rows[0].entry.value);
  const row = first[0];
  const code = (iri?: string) => (iri === undefined ? undefined : iri.slice(iri.lastIndexOf('/') + 1));
  const references = await selectBindings(store, `SELECT ?reference WHERE { GRAPH ?graph { <${row.entry.value}> <${FMAR}ecrEntryReference> ?reference } VALUES ?graph { <${graphs[Number(row.rank.value)]}> } } ORDER BY ?reference`);
  return {
    iri: row.entry.value,
    line: Number(row.line.value),
    references: references.map((r) => r.reference.value),
    connectionStatus: row.status?.value,
    registeredCapacityKw: row.capacity?.value,
    licenceArea: row.area?.value,
    dnoArea: code(row.dno?.value),
    technologies: first
      .filter((r) => r.tech)
      .map((r) => ({ iri: r.tech.value, slot: Number(r.slot.value), energySource: r.source?.value, conversionTechnology: r.technology?.value, capacityKw: r.techCapacity?.value, assetCategory: code(r.category?.value) })),
  };
}

/** "6.0" MW -> "6000" kW, "49.999" -> "49999", "0.3" -> "300": exact, by moving the decimal point. */
export function megawattsToKilowatts(text: string | undefined): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec((text ?? '').trim());
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  const whole = `${m[1]}${fraction.padEnd(3, '0').slice(0, 3)}`.replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(3).replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : whole;
}

/** Exact sum of non-negative decimal texts. */
export function sumDecimals(values: string[]): string {
  const scale = Math.max(...values.map((v) => v.split('.')[1]?.length ?? 0));
  const total = values.reduce((sum, v) => {
    const [whole, fraction = ''] = v.split('.');
    return sum + BigInt(whole + fraction.padEnd(scale, '0'));
  }, 0n);
  const digits = total.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

function normaliseHeader(text: string): string {
  return text.replace(/^\uFEFF/, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
