// Apollo Client (core, no React) with its default InMemoryCache against the service:
// `node apollo-cache.cjs URL`. Runs a product listing through the client, reads the listing
// back from the normalized cache, and fetches the same document without any client.
// Prints {raw, cached} as JSON: what the server sent, and what an app using Apollo would show.
'use strict';

const { ApolloClient, HttpLink, InMemoryCache, gql } = require('@apollo/client');

const url = process.argv[2];
// Every product's master variant and all its variants: before global ids, the master variants
// of all products shared the cache key ProductVariant:1 and overwrote each other.
const LISTING = `
  query Listing {
    products(limit: 40) {
      pageInfo { total }
      results {
        id
        name
        masterVariant { id variantNumber sku price { centAmount currencyCode } }
        variants { id sku price { centAmount } }
      }
    }
  }
`;

async function raw() {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
    },
    body: JSON.stringify({ query: LISTING }),
  });
  const answer = await response.json();
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

async function throughApollo() {
  const client = new ApolloClient({
    link: new HttpLink({ uri: url }),
    cache: new InMemoryCache(),
  });
  const query = gql(LISTING);
  await client.query({ query, fetchPolicy: 'network-only' });
  // What the cache holds now, assembled from its normalized entries (no network).
  return client.readQuery({ query });
}

async function main() {
  const cached = await throughApollo();
  process.stdout.write(JSON.stringify({ raw: await raw(), cached }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
