# -*- coding: utf-8 -*-
from setuptools import setup, find_packages

setup(
    name="ckanext-shafaf",
    version="0.1.0",
    description="Federated transparency catalogue of Iranian municipalities and provinces (سامانه شفافیت) for CKAN",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.10",
    packages=find_packages(exclude=["contrib", "docs"]),
    namespace_packages=["ckanext"],
    include_package_data=True,
    package_data={
        "ckanext.shafaf": [
            "config_declaration.yaml",
            "schemas/*.yaml",
            "schemas/*.json",
            "schemas/tables/*.json",
            "harvesters/*.yaml",
            "templates/**/*.html",
            "i18n/**/*",
            "assets/webassets.yml",
            "assets/css/*.css",
            "assets/js/*.js",
            "migration/shafaf/*.ini",
            "migration/shafaf/*.py",
            "migration/shafaf/*.mako",
            "migration/shafaf/versions/*.py",
            "search/solr/*.xml",
            "search/solr/*.txt",
            "search/solr/*.md",
            "search/solr/lang/*.txt",
            "search/solr/tools/*",
        ],
    },
    install_requires=[
        # The CKAN stack itself is pinned in requirements.txt; these are ours.
        "ckanapi>=4.11",
        "charset-normalizer>=3.3",
        "python-calamine>=0.9",
        "polars>=1.35",
        "persiantools>=6.2",
        "python-dateutil>=2.9",
        "requests>=2.32",
    ],
    entry_points="""
        [ckan.plugins]
        shafaf = ckanext.shafaf.plugin:ShafafPlugin
        shafaf_portal_harvester = ckanext.shafaf.harvesters.portal:ShafafPortalHarvester
        shafaf_ckan_harvester = ckanext.shafaf.harvesters.federation:ShafafCkanHarvester

        [babel.extractors]
        ckan = ckan.lib.extract:extract_ckan
    """,
)
