# FMAR registry. `make run` starts the registry; `make test` runs every test. Both install what they need.
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
TSX := node --import tsx
FMAR := $(TSX) src/cli/fmar.ts

.PHONY: setup build generate check-generated lint test test-remote test-unit test-conformance bench soak run run-cluster validate-examples clean

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES)

setup: $(NODE_MODULES)

build: $(NODE_MODULES)
	npx tsc -p tsconfig.json

## Regenerate code lists, SHACL shapes, JSON-LD context, JSON Schema, OpenAPI components and docs/ontology from ontology/.
generate: $(NODE_MODULES)
	$(FMAR) generate

## Fails when a checked-in generated artefact differs from what the ontology generates (runs in CI).
check-generated: $(NODE_MODULES)
	$(FMAR) generate --check

lint: $(NODE_MODULES)
	npx tsc -p tsconfig.json --noEmit

test: $(NODE_MODULES) check-generated
	npx mocha

## The remote SPARQL store backend against a local Virtuoso (installed and started on loopback if needed).
test-remote: $(NODE_MODULES)
	.ci/start-virtuoso /tmp/fmar-virtuoso 8890 1111
	FMAR_TEST_SPARQL_URL=http://127.0.0.1:8890/sparql npx mocha --no-config --import tsx --timeout 120000 test/integration/sparqlStore.test.ts

test-unit: $(NODE_MODULES)
	npx mocha 'test/unit/**/*.test.ts'

test-conformance: $(NODE_MODULES)
	npx mocha 'test/conformance/**/*.test.ts'

## Benchmarks print tables and write JSON under bench/results/ (not run in CI); about 5 minutes at the
## default sizes. Larger: N=100000 (queries), SIZES=10000,100000,250000 (memory and restart).
bench: $(NODE_MODULES)
	$(TSX) bench/validationEngines.ts
	$(TSX) bench/registryThroughput.ts
	$(TSX) bench/queries.ts
	SIZES=$${SIZES:-10000,50000} $(TSX) bench/memoryAndRestart.ts
	$(TSX) bench/restUnderHeavyQuery.ts

## Mixed load on a real server for SOAK_SECONDS (default 300): throughput, 5xx (must be 0), RSS growth.
soak: $(NODE_MODULES)
	$(TSX) bench/soak.ts

validate-examples: $(NODE_MODULES)
	$(FMAR) validate docs/examples/asset.jsonld docs/examples/organisation.jsonld

## Starts the registry on http://localhost:$${PORT:-8080} with its store in ./var and the sample dataset.
run: build
	FMAR_SAMPLE_DATA=$${FMAR_SAMPLE_DATA:-true} node dist/src/cli/fmar.js serve

## Scale-out demo: Virtuoso on loopback and two API nodes sharing it on :8081 and :8082 (docs/scale-out.md).
run-cluster: build
	scripts/run-cluster

clean:
	rm -rf dist
