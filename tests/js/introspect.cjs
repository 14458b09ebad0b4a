// graphql-js's standard introspection query (every option on, as GraphiQL and Apollo's tools
// send it), and a client schema built from the answer: `node introspect.cjs URL`.
// Prints the answer's status and content type, and the schema's type names, as JSON.
'use strict';

const { buildClientSchema, getIntrospectionQuery } = require('graphql');

const url = process.argv[2];
const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

async function main() {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
    },
    body: JSON.stringify({ query }),
  });
  const answer = await response.json();
  const schema = buildClientSchema(answer.data);
  process.stdout.write(
    JSON.stringify({
      status: response.status,
      contentType: response.headers.get('content-type'),
      errors: answer.errors ?? [],
      types: Object.keys(schema.getTypeMap()),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
