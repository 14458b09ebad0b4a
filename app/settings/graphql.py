"""GRAPHQL_*: limits on what one GraphQL request may ask (docs/security.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.settings.base import GROUP_CONFIG


class GraphQLSettings(BaseModel):
    model_config = GROUP_CONFIG

    max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, validation_alias="graphql_max_body_bytes"
    )
    max_tokens: int = Field(default=2_000, ge=50, validation_alias="graphql_max_tokens")
    max_depth: int = Field(default=12, ge=2, validation_alias="graphql_max_depth")
    max_aliases: int = Field(default=20, ge=0, validation_alias="graphql_max_aliases")
    max_cost: int = Field(default=5_000, ge=10, validation_alias="graphql_max_cost")
    document_cache_size: int = Field(
        default=1_000, ge=0, validation_alias="graphql_document_cache_size"
    )
