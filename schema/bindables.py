"""The root types every resolver module binds its fields to."""

from ariadne import MutationType, QueryType

query = QueryType()
mutation = MutationType()
