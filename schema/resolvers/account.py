"""Account fields: who is signed in, signing up, in and out, profile, addresses, passwords.
Mutations answer with payloads (schema/payloads.py)."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Customer, SignedIn
from app.services.account import AccountService, SignUpInput
from app.services.verification import VerificationService
from containers import GraphQLContainer
from schema.bindables import query
from schema.context import ResolveInfo
from schema.payloads import PayloadFields, bind_mutation


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
    ) -> PayloadFields:
        signed_up = await accounts.sign_up(
            SignUpInput(
                email=input["email"],
                password=input["password"],
                first_name=input.get("first_name"),
                last_name=input.get("last_name"),
            ),
        )
        return _signed_in(signed_up)

    @inject
    async def sign_in(
        self,
        _obj: Any,
        _info: ResolveInfo,
        email: str,
        password: str,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> PayloadFields:
        return _signed_in(await accounts.sign_in(email, password))

    @inject
    async def sign_out(
        self,
        _obj: Any,
        _info: ResolveInfo,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> bool:
        return accounts.sign_out()

    @inject
    async def update_profile(
        self,
        _obj: Any,
        _info: ResolveInfo,
        input: dict[str, Any],
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.update_profile(input)

    @inject
    async def add_address(
        self,
        _obj: Any,
        _info: ResolveInfo,
        address: dict[str, Any],
        default_shipping: bool | None = None,
        default_billing: bool | None = None,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.add_address(
            address,
            default_shipping=bool(default_shipping),
            default_billing=bool(default_billing),
        )

    @inject
    async def update_address(
        self,
        _obj: Any,
        _info: ResolveInfo,
        address_id: str,
        address: dict[str, Any],
        default_shipping: bool | None = None,
        default_billing: bool | None = None,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.update_address(
            address_id, address, default_shipping=default_shipping, default_billing=default_billing
        )

    @inject
    async def remove_address(
        self,
        _obj: Any,
        _info: ResolveInfo,
        address_id: str,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.remove_address(address_id)

    @inject
    async def change_password(
        self,
        _obj: Any,
        _info: ResolveInfo,
        current_password: str,
        new_password: str,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> Customer:
        return await accounts.change_password(current_password, new_password)

    @inject
    async def request_password_reset(
        self,
        _obj: Any,
        _info: ResolveInfo,
        email: str,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> bool:
        return await accounts.request_password_reset(email)

    @inject
    async def reset_password(
        self,
        _obj: Any,
        _info: ResolveInfo,
        token: str,
        new_password: str,
        accounts: AccountService = Provide[GraphQLContainer.account_service],
    ) -> bool:
        return await accounts.reset_password(token, new_password)

    @inject
    async def request_email_verification(
        self,
        _obj: Any,
        _info: ResolveInfo,
        verification: VerificationService = Provide[GraphQLContainer.verification_service],
    ) -> bool:
        return await verification.request_verification()

    @inject
    async def verify_email(
        self,
        _obj: Any,
        _info: ResolveInfo,
        token: str,
        verification: VerificationService = Provide[GraphQLContainer.verification_service],
    ) -> Customer | None:
        return await verification.verify(token)


def _signed_in(signed_in: SignedIn) -> PayloadFields:
    return PayloadFields(customer=signed_in.customer, left_out_lines=list(signed_in.left_out_lines))


_NO_LINES: dict[str, Any] = {"left_out_lines": []}
_resolvers = AccountResolvers()
query.set_field("me", _resolvers.me)
bind_mutation("signUp", _resolvers.sign_up, returns="customer", refused=_NO_LINES)
bind_mutation("signIn", _resolvers.sign_in, returns="customer", refused=_NO_LINES)
bind_mutation("signOut", _resolvers.sign_out, returns=None)
bind_mutation("updateProfile", _resolvers.update_profile, returns="customer")
bind_mutation("addAddress", _resolvers.add_address, returns="customer")
bind_mutation("updateAddress", _resolvers.update_address, returns="customer")
bind_mutation("removeAddress", _resolvers.remove_address, returns="customer")
bind_mutation("changePassword", _resolvers.change_password, returns="customer")
bind_mutation("requestPasswordReset", _resolvers.request_password_reset, returns=None)
bind_mutation("resetPassword", _resolvers.reset_password, returns=None)
bind_mutation("requestEmailVerification", _resolvers.request_email_verification, returns=None)
bind_mutation("verifyEmail", _resolvers.verify_email, returns="customer")
