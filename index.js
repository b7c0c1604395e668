// n8n loads the built node and credential through the "n8n" section of package.json; this
// entry point only keeps `require('n8n-nodes-woodpecker-linkedin')` from failing.
module.exports = {};
