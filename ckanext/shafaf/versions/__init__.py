"""Dataset versions: every change of a dataset's files, kept with its own files.

CKAN's activity stream keeps old metadata, but its resource links serve the
newest file (ckan/ckan#5904). Here a version is the dataset's resource files
at one moment (model.py), the files are content-addressed copies
(store.py), captured after resource actions and harvests (capture.py),
compared table by table (diff.py), pruned by the retention settings
(retention.py) and shown on the dataset's pages (views.py).
"""
