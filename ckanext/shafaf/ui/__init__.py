"""The Persian staff and researcher UI: dates, facets, dataset page pieces."""
