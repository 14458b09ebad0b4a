"""Account fields: who is signed in, signing up, in and out."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Customer
from app.services.account import AccountService, SignUpInput
from containers import GraphQLContainer
from schema.bindables import mutation, query
from schema.context import ResolveInfo


class AccountResolvers:
    @inject
    async def me(
        self,
        _obj: Any,
        _info: ResolveInfo,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer | None:
        return await accounts.me()

    @inject
    async def sign_up(
        self,
        _obj: Any,
        _info: ResolveInfo,
        input: dict[str, Any],
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.sign_up(
            SignUpInput(
                email=input["email"],
                password=input["password"],
                first_name=input.get("first_name"),
                last_name=input.get("last_name"),
            )
        )

    @inject
    async def sign_in(
        self,
        _obj: Any,
        _info: ResolveInfo,
        email: str,
        password: str,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.sign_in(email, password)

    @inject
    async def sign_out(
        self,
        _obj: Any,
        _info: ResolveInfo,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> bool:
        return accounts.sign_out()


_resolvers = AccountResolvers()
query.set_field("me", _resolvers.me)
mutation.set_field("signUp", _resolvers.sign_up)
mutation.set_field("signIn", _resolvers.sign_in)
mutation.set_field("signOut", _resolvers.sign_out)
