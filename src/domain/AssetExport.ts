import type { Quad } from 'n3';
import { visibleRecord } from '../access/recordVisibility.js';
import { ASSET_KIND } from './RecordKind.js';
import type { RecordService } from './RecordService.js';

/** One exported asset: its IRI and the quads of it the principal may read (the parts REST would show). */
export interface ExportedAsset {
  iri: string;
  id: string;
  quads: Quad[];
}

export interface AssetExportQuery {
  /** The principal's audiences (undefined: an administrator, who reads every record). */
  readers?: readonly string[];
  /** Filters on coded and identifying fields, as GET /assets takes them (assetCategory=BESS...). */
  filters?: Record<string, string>;
  /** Assets read per page (default 100). */
  pageSize?: number;
}

/**
 * UC-02.05 Export Asset Data: the assets a principal may read, page by page in ID order, each cut to the graphs
 * its audiences may read, by the same policy as REST and SPARQL (docs/access.md): `RecordService.list` finds
 * the readable records through the access index, `visibleRecord` keeps their readable parts. A page is read
 * only when the consumer asks for it, so a writer that waits for its client to drain holds one page at a time,
 * never the whole portfolio (issue #7: "a 100k-asset export must not build the whole file in memory").
 */
export async function* assetExportPages(records: RecordService, query: AssetExportQuery = {}): AsyncGenerator<ExportedAsset[]> {
  let after: string | undefined;
  for (;;) {
    const page = await records.list(ASSET_KIND, { limit: query.pageSize ?? 100, after, filters: query.filters ?? {}, readers: query.readers });
    const assets: ExportedAsset[] = [];
    for (const item of page.items) {
      const seen = visibleRecord(item, query.readers);
      if (seen) assets.push({ iri: item.iri, id: item.id, quads: seen.quads });
    }
    yield assets;
    if (!page.more) return;
    after = page.last;
  }
}
