"""Incidents from matching pairs: groups in which every two reports match, not chains of matches.

The pair rule (incidents.reports_match) is not transitive: reports of a place one day apart
match, so the connected components of the match graph chain separate daily events into one
"incident" (four ACLED rows at Saraqib on 1-4 February became one), and a report without actors
matches two unrelated incidents of one place and day and fused them. Here an incident is a
group of reports of which EVERY two match (a clique), so it never spans more than the widest
precision window of its reports, and a vague report joins one incident, never bridges two.

Most components of the match graph already are cliques (a pair of reports, three origins of one
incident): they are taken whole, with array operations. Only the others are split, greedily,
in time linear in their edges: reports are placed most specific first (curated datasets, then
by date precision, known actors, a place name, date), each joining the incident it matches
whole whose mean date is nearest, or else opening a new one. A group can never be merged with
another afterwards (its first report did not fit the other), so no two incidents returned could
form one valid incident.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def compute_components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected components by label propagation with pointer jumping: the smallest position."""
    labels = np.arange(n)
    while len(i):
        low = np.minimum(labels[i], labels[j])
        new = labels.copy()
        np.minimum.at(new, i, low)
        np.minimum.at(new, j, low)
        new = new[new]
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def compute_cliques(n: int, i: np.ndarray, j: np.ndarray, priority: pd.DataFrame,
                    day: np.ndarray, given: list[str | None]) -> np.ndarray:
    """A group label for each of n nodes such that every two nodes of a group are joined by an
    edge (i, j) (unique pairs, i != j), except nodes sharing a `given` (curated) id, which are
    kept together. `priority`: one row per node, sorted ascending gives the placing order
    (its last column should make the order total). `day`: each node's date as a day number."""
    labels = compute_components(n, i, j)
    size = np.bincount(labels, minlength=n)
    edges = np.bincount(labels[i], minlength=n) if len(i) else np.zeros(n, dtype="int64")
    clique = edges == size * (size - 1) // 2
    has_given = np.zeros(n, dtype=bool)
    given_nodes = [k for k, g in enumerate(given) if g]
    has_given[labels[given_nodes]] = True
    # a component holding a curated id is placed one by one too: its id's reports stay together
    split = ~clique[labels] | (has_given[labels] & (size[labels] > 1))
    if not split.any():
        return labels
    nodes = np.flatnonzero(split)
    keep = split[i] & split[j]
    src, dst = np.concatenate([i[keep], j[keep]]), np.concatenate([j[keep], i[keep]])
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    starts = np.searchsorted(src, np.arange(n + 1))
    ranked = priority.iloc[nodes].assign(_c=labels[nodes], _n=nodes)
    ranked = ranked.sort_values(["_c", *priority.columns], kind="stable")["_n"].to_numpy()
    out = labels.copy()
    _place_greedily(ranked, starts, dst, day, given, out)
    return out


def _place_greedily(ranked: np.ndarray, starts: np.ndarray, dst: np.ndarray, day: np.ndarray,
                    given: list[str | None], out: np.ndarray) -> None:
    """Place `ranked` nodes in order; out[node] becomes its group (a node number)."""
    members: dict[int, int] = {}       # group -> number of members
    day_sum: dict[int, float] = {}     # group -> summed day of its members
    by_given: dict[str, int] = {}      # curated id -> its group
    given_groups: set[int] = set()     # groups holding a curated id (one each)
    placed: dict[int, int] = {}        # node -> group
    for node in ranked.tolist():
        node_day = float(day[node])
        mark = given[node]
        if mark and mark in by_given:
            group = by_given[mark]
        else:
            hits: dict[int, int] = {}
            for other in dst[starts[node]:starts[node + 1]].tolist():
                g = placed.get(other)
                if g is not None:
                    hits[g] = hits.get(g, 0) + 1
            best, best_key = node, None
            for g, count in hits.items():
                if count != members[g] or (mark and g in given_groups):
                    continue
                key = (abs(node_day - day_sum[g] / members[g]), -members[g], g)
                if best_key is None or key < best_key:
                    best, best_key = g, key
            group = best
            if mark:
                by_given[mark] = group
                given_groups.add(group)
        placed[node] = group
        members[group] = members.get(group, 0) + 1
        day_sum[group] = day_sum.get(group, 0.0) + node_day
        out[node] = group


def compute_group_min(labels: np.ndarray, values: Any) -> np.ndarray:
    """For each row, the smallest non-null value in its group (None if it has none), as an
    object array: values are ranked once (pd.factorize, sorted) and each group keeps its
    smallest rank, with array operations only."""
    vals = np.asarray(values, dtype=object)
    out = np.full(len(labels), None, dtype=object)
    present = np.asarray(pd.notna(vals), dtype=bool)
    if not present.any():
        return out
    ranks, uniques = pd.factorize(vals[present], sort=True)
    best = np.full(int(labels.max()) + 1, len(uniques))
    np.minimum.at(best, labels[present], ranks)
    rank = best[labels]
    found = rank < len(uniques)
    out[found] = np.asarray(uniques, dtype=object)[rank[found]]
    return out
