import type { ModelQueries } from '../ontology/modelQueries.js';
import { BmUnitImporter } from './sources/bmUnitImporter.js';
import { BmuFuelTypeImporter } from './sources/bmuFuelTypeImporter.js';
import { DispatchImporter } from './sources/dispatchImporter.js';
import { EcrImporter } from './sources/ecrImporter.js';
import { GspImporter } from './sources/gspImporter.js';
import { RepdImporter } from './sources/repdImporter.js';
import type { SourceImporter } from './SourceImporter.js';
import type { VocabularyMapping } from './VocabularyMapping.js';

/** The kinds `fmar import` knows, in the order the docs describe them. */
export const IMPORT_KINDS = ['ecr', 'bm-units', 'bmu-fuel-types', 'dispatches', 'gsp', 'repd'];

export interface ImporterDependencies {
  model: ModelQueries;
  vocabulary: VocabularyMapping;
  /** The register's operator code (ECR: UKPN by default). */
  operator?: string;
}

/** The importer of a kind of file. */
export function importerFor(kind: string, deps: ImporterDependencies): SourceImporter {
  switch (kind) {
    case 'ecr':
      return new EcrImporter({ operator: deps.operator ?? 'UKPN', model: deps.model, vocabulary: deps.vocabulary });
    case 'bm-units':
      return new BmUnitImporter({ model: deps.model, vocabulary: deps.vocabulary });
    case 'bmu-fuel-types':
      return new BmuFuelTypeImporter({ vocabulary: deps.vocabulary });
    case 'dispatches':
      return new DispatchImporter({ model: deps.model, vocabulary: deps.vocabulary });
    case 'gsp':
      return new GspImporter({ model: deps.model });
    case 'repd':
      return new RepdImporter({ vocabulary: deps.vocabulary });
    default:
      throw new Error(`no importer for ${kind}`);
  }
}
