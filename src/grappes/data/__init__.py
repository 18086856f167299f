"""Sources to canonical tables: readers that validate, nomenclatures, geography, bundled data.

Nothing is read at import time: each function reads its table when called (and caches it).
"""
