import { stringify } from 'csv-stringify/sync';
import { DataFactory, Writer } from 'n3';
import type { ExportedAsset } from '../domain/AssetExport.js';
import type { RecordCsvFormat } from '../domain/RecordCsvFormat.js';
import type { FlatRecordCodec } from '../rdf/FlatRecordCodec.js';
import { FMAR, FMAR_CONTEXT_URL, PROV, RDF, RDFS, SKOS, XSD } from '../rdf/namespaces.js';

/** The formats of GET /assets/export: `?format=` name -> media type, in the order content negotiation prefers. */
export const ASSET_EXPORT_FORMATS = {
  csv: 'text/csv',
  jsonld: 'application/ld+json',
  turtle: 'text/turtle',
  nquads: 'application/n-quads',
} as const;
export type AssetExportFormat = keyof typeof ASSET_EXPORT_FORMATS;

export const ASSET_EXPORT_EXTENSIONS: Record<AssetExportFormat, string> = { csv: 'csv', jsonld: 'jsonld', turtle: 'ttl', nquads: 'nq' };

/**
 * Turns exported assets into one format, a page at a time: `start` before the first page, `page` for each,
 * `end` after the last. Every piece is text to write as it comes, so nothing holds more than one page.
 */
export interface AssetExportWriter {
  start(): string;
  page(assets: ExportedAsset[]): Promise<string>;
  end(): Promise<string>;
}

export interface AssetExportWriterArgs {
  csv: RecordCsvFormat;
  /** Compacts a record to its JSON-LD view with values as written (for CSV cells). */
  lexicalJson: FlatRecordCodec;
  /** Compacts a record to its JSON-LD view as GET /assets/{id} gives it (numbers and booleans native). */
  json: (asset: ExportedAsset) => Promise<Record<string, unknown>>;
}

const TURTLE_PREFIXES = { fmar: FMAR, rdf: RDF, rdfs: RDFS, xsd: XSD, skos: SKOS, prov: PROV };

/** RFC 4180 §2: records end with CRLF; fields with commas, quotes or line breaks are quoted, quotes doubled. */
export const CSV_WRITE_OPTIONS = { record_delimiter: 'windows' } as const;

export function assetExportWriter(format: AssetExportFormat, args: AssetExportWriterArgs): AssetExportWriter {
  switch (format) {
    case 'csv':
      return {
        // UC-02.05: one row per asset, headed by the ontology's labels (RecordCsvFormat).
        start: () => stringify([args.csv.header()], CSV_WRITE_OPTIONS),
        page: async (assets) => stringify(await Promise.all(assets.map(async (a) => args.csv.cells(await args.lexicalJson.toCompactJson(a.quads, a.iri)))), CSV_WRITE_OPTIONS),
        end: async () => '',
      };
    case 'jsonld': {
      // One JSON-LD document: the FMAR context and a @graph of the records as GET /assets/{id} gives them.
      let first = true;
      return {
        start: () => `{"@context":${JSON.stringify(FMAR_CONTEXT_URL)},"@graph":[`,
        page: async (assets) => {
          const items = await Promise.all(assets.map(async (a) => {
            const { '@context': _context, ...node } = await args.json(a);
            return JSON.stringify(node);
          }));
          return items.map((item) => {
            const separator = first ? '\n' : ',\n';
            first = false;
            return separator + item;
          }).join('');
        },
        end: async () => '\n]}\n',
      };
    }
    case 'turtle':
      return streamingN3Writer('Turtle', false);
    case 'nquads':
      // The records' own graphs (public, #restricted, #personal parts), as GET /export writes them.
      return streamingN3Writer('N-Quads', true);
  }
}

/**
 * One N3 writer for the whole export, whose output is collected and handed over page by page: Turtle keeps
 * its prefixes and statement state across pages. Turtle merges a record's part graphs into one description.
 */
function streamingN3Writer(format: 'Turtle' | 'N-Quads', keepGraphs: boolean): AssetExportWriter {
  let pending: string[] = [];
  const sink = { write: (chunk: string, _encoding?: string, done?: () => void) => { pending.push(chunk); done?.(); }, end: (done?: () => void) => done?.() };
  const writer = new Writer(sink, { format, ...(format === 'Turtle' ? { prefixes: TURTLE_PREFIXES } : {}) });
  const take = () => {
    const text = pending.join('');
    pending = [];
    return text;
  };
  return {
    start: take,
    page: async (assets) => {
      for (const a of assets) for (const q of a.quads) writer.addQuad(keepGraphs ? q : DataFactory.quad(q.subject, q.predicate, q.object));
      return take();
    },
    end: () => new Promise<string>((resolve, reject) => writer.end((error) => (error ? reject(error) : resolve(take())))),
  };
}
