"""Search result cache in Redis, invalidated by every index write.

Counting facets over a whole catalogue is the costly part of a search, and
the dataset page asks the same question on every visit. Results are kept
under a key that includes the index *generation*, a counter bumped after
every write or delete, so a cached answer can never outlive the data it
was computed from (Solr's query result cache has the same rule: a commit
opens a new searcher and the cache with it).
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from typing import Any, Callable, Optional

from redis.exceptions import RedisError

from ckan.common import config
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)

Result = tuple[list[dict[str, Any]], int, dict[str, list[Any]]]


def _generation_key() -> str:
    return f"shafaf:search:{config.get('ckan.site_id')}:generation"


def ttl() -> int:
    return int(config.get("ckanext.shafaf.search.cache_seconds") or 0)


def bump_generation() -> None:
    """Called after every committed index change."""
    if ttl() <= 0:
        return
    try:
        connect_to_redis().incr(_generation_key())
    except RedisError as e:  # a stale cache is worse than none: switch it off
        log.error("Search cache: could not bump the generation (%r)", e)


def cached(request: Any, compute: Callable[[], Result]) -> Result:
    seconds = ttl()
    if seconds <= 0:
        return compute()
    try:
        redis = connect_to_redis()
        generation = int(redis.get(_generation_key()) or 0)
        digest = hashlib.sha1(json.dumps(asdict(request), sort_keys=True,
                                         ensure_ascii=False).encode()).hexdigest()
        key = f"shafaf:search:{config.get('ckan.site_id')}:{generation}:{digest}"
        hit: Optional[bytes] = redis.get(key)
    except RedisError as e:
        log.warning("Search cache unavailable (%r); searching without it", e)
        return compute()
    if hit is not None:
        docs, hits, facets = json.loads(hit)
        return docs, hits, facets
    result = compute()
    try:
        redis.set(key, json.dumps(result, ensure_ascii=False, default=str), ex=seconds)
    except RedisError as e:
        log.warning("Search cache: could not store a result (%r)", e)
    return result
