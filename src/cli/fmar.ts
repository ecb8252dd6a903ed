#!/usr/bin/env node
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { projectRoot, sharedDir } from '../projectRoot.js';
import { generateCommand } from './generateCommand.js';
import { serveCommand } from './serveCommand.js';
import { validateCommand } from './validateCommand.js';

/** The `fmar` command. Each subcommand lives in its own file; this one only wires them. */
const root = projectRoot();
const program = new Command()
  .name('fmar')
  .description('FMAR registry: Flexibility Market Asset Registration for GB flexibility markets')
  .showHelpAfterError();

program
  .command('generate')
  .description('generate code lists, SHACL shapes, JSON-LD context, JSON Schema, OpenAPI components and docs from ontology/')
  .option('--check', 'write nothing; exit 1 when a checked-in artefact differs from what the ontology generates')
  .option('--root <dir>', 'project root', root)
  .option('--shared <dir>', 'shared spec and data folder', sharedDir())
  .action(async (options: { check?: boolean; root: string; shared: string }) => {
    process.exitCode = await generateCommand({ check: Boolean(options.check), rootDir: resolve(options.root), sharedDir: resolve(options.shared) });
  });

program
  .command('validate')
  .description('validate RDF files (JSON-LD, Turtle, N-Triples, N-Quads) against the FMAR shapes; exit 1 on violations')
  .argument('<files...>', 'files to validate')
  .option('--shapes <dir>', 'folder of the generated shapes and context', join(root, 'shapes'))
  .option('--json', 'print the reports as JSON')
  .option('--strict', 'treat warnings as failures too')
  .action(async (files: string[], options: { shapes: string; json?: boolean; strict?: boolean }) => {
    process.exitCode = await validateCommand(files, { shapesDir: options.shapes, json: Boolean(options.json), strict: Boolean(options.strict) });
  });

program
  .command('serve')
  .description('start the registry (configuration from the environment: PORT, FMAR_DATA_DIR, FMAR_BASE_IRI, FMAR_ADMIN_TOKEN, FMAR_SAMPLE_DATA...)')
  .action(async () => {
    await serveCommand();
  });

await program.parseAsync();
