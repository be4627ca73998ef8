"""Harvest source configs: good ones parse, bad ones are refused in both languages."""
from __future__ import annotations

import pytest

from ckanext.harvest.harvesters.base import HarvesterBase  # noqa: F401  (plugin importable)

from ckanext.shafaf.harvesters.federation import ShafafCkanHarvester
from ckanext.shafaf.harvesters.portal import ShafafPortalHarvester
from ckanext.shafaf.harvesters.settings import FederationConfig, PortalConfig


def test_federation_defaults_come_from_the_site_config() -> None:
    config = FederationConfig.parse("")
    assert config.create_organizations and config.copy_files
    assert config.guard_share == 0.5 and config.timeout == 30 and config.rows == 500
    assert config.fq() == ""


def test_federation_filter_and_mapping() -> None:
    config = FederationConfig.parse(
        '{"organizations": {"tabriz-city": "tabriz"}, "organizations_filter_include": ["tabriz-city"],'
        ' "deletion_guard_share": 0.8, "timeout": 5}')
    assert config.organizations == {"tabriz-city": "tabriz"}
    assert config.fq() == 'organization:("tabriz-city")'
    assert config.guard_share == 0.8 and config.timeout == 5


@pytest.mark.parametrize("text, word", [
    ("{", "JSON"), ("[1]", "JSON object"), ('{"organizations": ["a"]}', "organizations"),
    ('{"deletion_guard_share": 2}', "deletion_guard_share"), ('{"copy_files": "yes"}', "copy_files"),
    ('{"rows": 0}', "rows")])
def test_bad_federation_configs_are_refused(text: str, word: str) -> None:
    with pytest.raises(ValueError) as error:
        ShafafCkanHarvester().validate_config(text)
    message = str(error.value)
    assert word in message and " / " in message  # Persian / English
    assert any("\u0600" <= ch <= "\u06ff" for ch in message)


def test_portal_config_names_a_shipped_profile() -> None:
    assert PortalConfig.parse('{"profile": "yazd-contracts", "fiscal_year": 1403}').fiscal_year == 1403
    with pytest.raises(ValueError, match="yazd-contracts"):
        ShafafPortalHarvester().validate_config('{"profile": "no-such-profile"}')
    with pytest.raises(ValueError, match="fiscal_year"):
        ShafafPortalHarvester().validate_config('{"profile": "yazd-contracts", "fiscal_year": 99}')
