declare module 'shacl-engine' { export class Validator { constructor(shapes: unknown, options: Record<string, unknown>); validate(data: { dataset: unknown; terms?: unknown }, shapes?: unknown): Promise<{ conforms: boolean; results: unknown[]; dataset: unknown }> } }
declare module 'shacl-engine/sparql.js' { export const validations: unknown }
