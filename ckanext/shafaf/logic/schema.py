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


@validator_args
def version_list(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def version_show(not_empty: Validator, unicode_safe: Validator,
                 shafaf_version_number: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "number": [not_empty, shafaf_version_number]}


@validator_args
def version_diff(not_empty: Validator, unicode_safe: Validator, ignore_missing: Validator,
                 shafaf_version_number: Validator, default: Validator,
                 natural_number_validator: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe],
            "from": [not_empty, shafaf_version_number],
            "to": [not_empty, shafaf_version_number],
            "resource_id": [ignore_missing, unicode_safe],
            "limit": [default(1000), natural_number_validator]}


@validator_args
def rollup_refresh(not_empty: Validator, unicode_safe: Validator, ignore_missing: Validator,
                   ignore_empty: Validator, one_of: Validator,
                   shafaf_fiscal_year: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe],
            "type": [ignore_empty, one_of(["contract", "budget", "permit"])],
            "fiscal_year": [ignore_empty, shafaf_fiscal_year]}


@validator_args
def rollup_summary(not_empty: Validator, unicode_safe: Validator, ignore_empty: Validator,
                   one_of: Validator, shafaf_fiscal_year: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe],
            "type": [ignore_empty, one_of(["contract", "budget", "permit"])],
            "fiscal_year": [ignore_empty, shafaf_fiscal_year]}


@validator_args
def contract_search(not_empty: Validator, unicode_safe: Validator, ignore_empty: Validator,
                    default: Validator, int_validator: Validator,
                    limit_to_configured_maximum: Validator,
                    natural_number_validator: Validator,
                    shafaf_fiscal_year: Validator) -> Schema:
    return {"province": [not_empty, unicode_safe],
            "contractor": [ignore_empty, unicode_safe],
            "contractor_id": [ignore_empty, unicode_safe],
            "fiscal_year": [ignore_empty, shafaf_fiscal_year],
            "limit": [default(50), natural_number_validator,
                      limit_to_configured_maximum("ckan.search.rows_max", 1000)],
            "offset": [default(0), natural_number_validator]}
