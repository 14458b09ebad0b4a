// graphql-http's audit suite against a running service: `node audit.cjs URL`.
// Prints the audit results as one JSON array (id, name, status, reason).
'use strict';

const { auditServer } = require('graphql-http');

const url = process.argv[2];
// Every request carries the service's CSRF header, as a storefront's client does: without
// it, the audit's GET requests are simple requests that the service refuses by design
// (docs/graphql-over-http.md).
const withCsrfHeader = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...init.headers, 'x-csrf-protection': '1' } });

auditServer({ url, fetchFn: withCsrfHeader }).then(
  (results) => {
    const plain = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
    process.stdout.write(JSON.stringify(plain));
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
