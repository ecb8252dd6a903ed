#!/usr/bin/env node
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { projectRoot, sharedDir } from '../projectRoot.js';
import { backupCommand, recoverCommand, restoreCommand, verifyAuditCommand } from './auditCommands.js';
import { generateCommand } from './generateCommand.js';
import { IMPORT_KINDS } from '../import/importers.js';
import { importCommand } from './importCommand.js';
import { sampleDataCommand } from './sampleDataCommand.js';
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

const dataDirOption = ['--data-dir <dir>', 'the registry data folder', process.env.FMAR_DATA_DIR ?? './var'] as const;

program
  .command('import')
  .description('import a published GB file into the registry in the data folder as reference records, idempotently, with provenance (docs/import/)')
  .argument('<kind>', IMPORT_KINDS.join(' | '))
  .argument('<file>', 'the published file, as downloaded')
  .option(...dataDirOption)
  .option('--report <path>', 'write the row-level report as PATH.json and PATH.csv')
  .option('--operator <code>', 'the register\'s operator code (ecr; default UKPN)')
  .option('--url <url>', 'import into the running registry at this base URL instead (POST /imports/{kind})')
  .option('--token <token>', 'an administrator\'s bearer token for --url (default FMAR_ADMIN_TOKEN)', process.env.FMAR_ADMIN_TOKEN)
  .option('--publisher <name>', 'who published the file (default: the importer\'s own source, e.g. UK Power Networks)')
  .option('--licence <iri>', 'the licence of the file, an IRI (needed where the importer does not know it: another DNO\'s register)')
  .option('--attribution <text>', 'the attribution line to keep wherever the data is shown (needed with --licence)')
  .option('--title <text>', 'a title for the source file')
  .action(async (kind: string, file: string, options: { dataDir: string; report?: string; operator?: string; url?: string; token?: string; publisher?: string; licence?: string; attribution?: string; title?: string }) => {
    const source = Object.fromEntries(Object.entries({ publisher: options.publisher, licence: options.licence, attribution: options.attribution, title: options.title }).filter(([, v]) => v !== undefined));
    process.exitCode = await importCommand(kind, resolve(file), { dataDir: resolve(options.dataDir), report: options.report, operator: options.operator, url: options.url, token: options.token, source, progress: Boolean(process.stderr.isTTY) });
  });

program
  .command('sample-data')
  .description('rebuild data/sample/assets.json (the sample portfolio of make run) from a DNO Embedded Capacity Register')
  .option('--ecr <file>', 'the register', join(sharedDir(), 'data/gb/ukpn_ecr_1mw_plus_2025-08.csv'))
  .option('--root <dir>', 'project root', root)
  .action(async (options: { ecr: string; root: string }) => {
    process.exitCode = await sampleDataCommand(resolve(options.ecr), resolve(options.root));
  });

program
  .command('verify-audit')
  .description('recompute the journal hash chain and check every snapshot; names the first altered transaction; exit 1 if any')
  .option(...dataDirOption)
  .option('--json', 'print the report as JSON')
  .action(async (options: { dataDir: string; json?: boolean }) => {
    process.exitCode = await verifyAuditCommand(resolve(options.dataDir), Boolean(options.json));
  });

program
  .command('recover')
  .description('explain what a damaged data folder can be restored to; --apply does it (keeping the damaged journal)')
  .option(...dataDirOption)
  .option('--apply', 'cut the journal to the last good transaction and set wrong snapshots aside')
  .action(async (options: { dataDir: string; apply?: boolean }) => {
    process.exitCode = await recoverCommand(resolve(options.dataDir), Boolean(options.apply));
  });

program
  .command('backup')
  .description('copy the data folder (snapshots, then the journal) into a new folder; safe while the registry runs')
  .argument('<target>', 'an empty or new folder')
  .option(...dataDirOption)
  .action(async (target: string, options: { dataDir: string }) => {
    process.exitCode = await backupCommand(resolve(options.dataDir), resolve(target));
  });

program
  .command('restore')
  .description('restore a backup into an empty data folder and verify it')
  .argument('<backup>', 'a folder written by fmar backup')
  .option(...dataDirOption)
  .action(async (backup: string, options: { dataDir: string }) => {
    process.exitCode = await restoreCommand(resolve(backup), resolve(options.dataDir));
  });

await program.parseAsync();
