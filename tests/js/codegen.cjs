// graphql-codegen's TypeScript types from a running service, loaded by the standard
// introspection query: `node codegen.cjs URL OUTPUT_FILE`.
'use strict';

const { generate } = require('@graphql-codegen/cli');

const [url, output] = process.argv.slice(2);

generate(
  {
    schema: { [url]: { headers: { 'x-csrf-protection': '1' } } },
    generates: { [output]: { plugins: ['typescript'] } },
    silent: true,
  },
  true,
).catch((error) => {
  console.error(error);
  process.exit(1);
});
