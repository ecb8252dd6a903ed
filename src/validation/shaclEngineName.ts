/**
 * Which SHACL engine validates records (FMAR_SHACL_ENGINE): `compiled` (the default) compiles the shapes to
 * JavaScript (CompiledValidator: the same reports, far faster); `shacl-engine` runs the reference engine
 * (ShaclValidator). docs/validation-engine.md.
 */
export type ShaclEngineName = 'compiled' | 'shacl-engine';

export const SHACL_ENGINES: readonly ShaclEngineName[] = ['compiled', 'shacl-engine'];

export function parseShaclEngine(value: string | undefined): ShaclEngineName {
  const engine = value ?? 'compiled';
  if ((SHACL_ENGINES as readonly string[]).includes(engine)) return engine as ShaclEngineName;
  throw new Error(`FMAR_SHACL_ENGINE must be ${SHACL_ENGINES.join(' or ')}, got ${JSON.stringify(value)}`);
}
