"""Checking the tables staff upload, wired into CKAN.

`ckanext.shafaf.tables` validates a file and knows nothing of CKAN; this
package finds the uploaded file of a resource, runs the validator when the
file (or its table schema) changed, keeps the report
(`shafaf_resource_validation`), loads a valid file's normalised rows into the
DataStore and writes the headline figures onto the dataset. A bad file is
kept and marked; the rows and figures of the last good file stay.
"""
