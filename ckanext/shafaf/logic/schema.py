"""Validation schemas of our actions' parameters."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator


@validator_args
def resource_validation_show(not_empty: Validator, unicode_safe: Validator,
                             ignore_missing: Validator,
                             natural_number_validator: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe],
            "errors_limit": [ignore_missing, natural_number_validator]}


@validator_args
def resource_validate(not_empty: Validator, unicode_safe: Validator, default: Validator,
                      boolean_validator: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "force": [default(False), boolean_validator]}
