"""Flat environment names for grouped settings.

Each group field is declared with its environment name as validation alias
(`max_retries: int = Field(validation_alias="upstream_max_retries")`). `FlatEnvironment` reads
those names from the environment, and `group_flat_names` moves each flat name, from the
environment or a keyword argument, into its group before validation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource


def env_name(field: FieldInfo) -> str:
    """A group field's environment name (its validation alias, in lower case)."""
    if not isinstance(field.validation_alias, str):
        raise TypeError("every settings group field needs its environment name as validation_alias")
    return field.validation_alias


def groups(settings_cls: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The fields of `settings_cls` that are groups, with their models."""
    return {
        name: field.annotation
        for name, field in settings_cls.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    }


def flat_fields(settings_cls: type[BaseModel]) -> Iterator[tuple[str, FieldInfo]]:
    """Every setting as (environment name, field): top-level fields by name, group fields by
    their alias."""
    nested = groups(settings_cls)
    for name, field in settings_cls.model_fields.items():
        if name in nested:
            for member in nested[name].model_fields.values():
                yield env_name(member), member
        else:
            yield name, field


def environment_names(settings_cls: type[BaseModel]) -> set[str]:
    """The environment variables the settings read, upper case as documented."""
    return {name.upper() for name, _ in flat_fields(settings_cls)}


def group_flat_names(settings_cls: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    """Moves flat names into their groups; other keys stay on top, where top-level fields take
    them and `extra="forbid"` reports the unknown ones."""
    owner = {
        env_name(member): group
        for group, model in groups(settings_cls).items()
        for member in model.model_fields.values()
    }
    top: dict[str, Any] = {}
    grouped: dict[str, dict[str, Any]] = {group: {} for group in groups(settings_cls)}
    for key, value in data.items():
        if key in owner:
            grouped[owner[key]][key] = value
        else:
            top[key] = value
    for group, values in grouped.items():
        if group in top and values:
            raise ValueError(f"give the {group} settings whole or by their names, not both")
        top.setdefault(group, values)
    return top


class FlatEnvironment(EnvSettingsSource):
    """The environment source of pydantic-settings, reading group fields from their flat
    names (UPSTREAM_MAX_RETRIES) rather than from a variable per group (UPSTREAM)."""

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in flat_fields(self.settings_cls):
            raw, key, is_complex = self.get_field_value(field, name)
            value = self.prepare_field_value(name, field, raw, is_complex)
            if value is not None:
                values[key] = value
        return values
