/**
 * The five registry queries of issue #5's benchmark 4, over a synthetic portfolio (bench/syntheticPortfolio.ts):
 * assets of one FSP, capacity by category and GSP group, assets by MPAN, units of one FSP with their members,
 * history of one asset.
 */
const P = 'PREFIX fmar: <https://w3id.org/fmar/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> ';

export function registryQueries(fsp: string, mpan: string, asset: string): [string, string][] {
  return [
    ['assets of one FSP', `${P}SELECT ?a WHERE { GRAPH ?a { ?a fmar:responsibleFSP <${fsp}> } }`],
    ['capacity by category and GSP group', `${P}SELECT ?c ?g (COUNT(?a) AS ?n) (SUM(?kw) AS ?kW) WHERE { GRAPH ?a { ?a fmar:assetCategory ?c ; fmar:gspGroup ?g ; fmar:ratedCapacity ?kw } } GROUP BY ?c ?g`],
    ['assets by MPAN', `${P}SELECT ?a WHERE { GRAPH ?p { ?a fmar:importMPAN "${mpan}" } }`],
    // The units of one FSP with their current members: count and capacity (memberships still open).
    ['units of one FSP with their members', `${P}SELECT ?u ?name (COUNT(?a) AS ?members) (SUM(?kw) AS ?kW) WHERE { GRAPH ?u { ?u fmar:responsibleFSP <${fsp}> ; fmar:marketUnitName ?name } GRAPH ?m { ?m fmar:ofMarketUnit ?u ; fmar:memberAsset ?a ; fmar:validFrom ?from FILTER NOT EXISTS { ?m fmar:validTo ?to } } GRAPH ?a { ?a fmar:ratedCapacity ?kw } } GROUP BY ?u ?name`],
    ['history of one asset', `${P}SELECT ?act ?v ?uc ?t WHERE { GRAPH ?act { ?act prov:generated ?v ; fmar:useCase ?uc ; prov:startedAtTime ?t . ?v prov:specializationOf <${asset}> } }`],
  ];
}
