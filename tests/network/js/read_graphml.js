// Reads a GraphML file with one JavaScript graph client and prints what it got as JSON.
//
//   node tests/network/js/read_graphml.js graphology FILE
//   node tests/network/js/read_graphml.js cytoscape FILE
//
// graphology: graphology-graphml's node entry point (its own @xmldom/xmldom parser) into a
// graphology Graph, the stack sigma.js and Gephi Lite read GraphML with.
// cytoscape: cytoscape.js headless with the cytoscape-graphml extension, which parses with
// jQuery; jQuery needs a DOM window in node, so jsdom gives it one.
//
// Prints {client, versions, type, multi, nodes, edges: [{id, source, target, attributes}]}.
// cytoscape-graphml keys an element's data by the GraphML <key> id ("d12"), not by its
// attr.name, and keeps every value as a string; `attributes` is that data renamed by the
// file's own <key> declarations, so it can be compared with the graphology result.
// A parse error is printed on stderr and the exit code is 1.
"use strict";

const fs = require("fs");
const path = require("path");

function version(name) {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (pkg.name === name) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${name}`);
    dir = up;
  }
}

function readGraphology(text) {
  const Graph = require("graphology");
  const graphml = require("graphology-graphml");
  const graph = graphml.parse(Graph, text);
  const edges = [];
  graph.forEachEdge((id, attributes, source, target) => {
    edges.push({ id, source, target, attributes });
  });
  return {
    versions: {
      graphology: version("graphology"),
      "graphology-graphml": version("graphology-graphml"),
      "@xmldom/xmldom": version("@xmldom/xmldom"),
    },
    type: graph.type,
    multi: graph.multi,
    nodes: graph.order,
    edges,
  };
}

function readCytoscape(text) {
  const { JSDOM } = require("jsdom");
  const { window } = new JSDOM("");
  const $ = require("jquery")(window);
  const cytoscape = require("cytoscape");
  cytoscape.warnings(false); // the extension adds every element with an empty style bypass
  cytoscape.use((cy) => require("cytoscape-graphml")(cy, $));
  const cy = cytoscape({ headless: true });
  cy.graphml({ layoutBy: () => {} }); // no layout: only the elements are wanted
  cy.graphml(text);
  const names = {};
  $($.parseXML(text))
    .find("key")
    .each(function () {
      names[$(this).attr("id")] = $(this).attr("attr.name");
    });
  const edges = cy.edges().map((edge) => {
    const attributes = {};
    for (const [key, value] of Object.entries(edge.data())) {
      if (!["id", "source", "target"].includes(key)) attributes[names[key] || key] = value;
    }
    return { id: edge.id(), source: edge.source().id(), target: edge.target().id(), attributes };
  });
  return {
    versions: {
      cytoscape: version("cytoscape"),
      "cytoscape-graphml": version("cytoscape-graphml"),
      jquery: version("jquery"),
      jsdom: version("jsdom"),
    },
    type: "directed", // cytoscape.js edges always have a source and a target
    multi: true,
    nodes: cy.nodes().length,
    edges,
  };
}

const readers = { graphology: readGraphology, cytoscape: readCytoscape };
const [client, file] = process.argv.slice(2);
if (!readers[client] || !file) {
  process.stderr.write(`usage: node read_graphml.js ${Object.keys(readers).join("|")} FILE\n`);
  process.exit(2);
}
let result;
try {
  result = readers[client](fs.readFileSync(file, "utf8"));
} catch (error) {
  process.stderr.write(`${client}: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({ client, ...result }) + "\n");
