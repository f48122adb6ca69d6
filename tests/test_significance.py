"""The paired block bootstrap that says whether the engine is really ahead of a baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ewarning.significance import block_indices, compare, compare_all, format_comparisons


def _per_date(hits: dict, events, share: dict | None = None) -> pd.DataFrame:
    rows = []
    for name, h in hits.items():
        s = (share or {}).get(name, [0.01] * len(h))
        rows += [{"method": name, "as_of": i, "hits": h[i], "events": events[i], "area_share": s[i]}
                 for i in range(len(h))]
    return pd.DataFrame(rows)


def test_a_method_against_itself_is_a_coin_toss():
    rng = np.random.default_rng(1)
    h = rng.integers(0, 4, 60).tolist()
    c = compare(_per_date({"a": h, "b": h}, [4] * 60), "a", "b", n_boot=500)
    assert c.hits_diff == 0 and c.hits_diff_low == 0 == c.hits_diff_high
    assert c.pai_ratio == pytest.approx(1.0)
    assert c.p_hits_not_ahead == 0.5 and c.p_pai_not_ahead == 0.5   # every resample a tie, ties count half


def test_a_method_ahead_on_every_date_is_never_behind():
    c = compare(_per_date({"a": [2] * 30, "b": [1] * 30}, [3] * 30), "a", "b", n_boot=300)
    assert c.hits_diff == 30 and c.p_hits_not_ahead == 0.0 and c.hits_diff_low > 0
    assert c.pai_ratio == pytest.approx(2.0) and c.p_pai_not_ahead == 0.0


def test_a_win_that_hangs_on_one_date_is_uncertain():
    # the same hits everywhere except one date where 'a' got 3 more: ahead, but a resample can miss that date
    a = [1] * 40
    a[17] = 4
    c = compare(_per_date({"a": a, "b": [1] * 40}, [4] * 40), "a", "b", n_boot=2000, seed=3)
    assert c.hits_diff == 3
    assert 0.05 < c.p_hits_not_ahead < 0.6 and c.hits_diff_low <= 0


def test_larger_area_lowers_the_pai_ratio_not_the_hits():
    per = _per_date({"a": [1] * 20, "b": [1] * 20}, [2] * 20, share={"a": [0.02] * 20, "b": [0.01] * 20})
    c = compare(per, "a", "b", n_boot=200)
    assert c.hits_diff == 0 and c.pai_ratio == pytest.approx(0.5) and c.p_pai_not_ahead == 1.0


def test_same_seed_same_intervals_other_seed_may_differ():
    rng = np.random.default_rng(0)
    per = _per_date({"a": rng.integers(0, 3, 50).tolist(), "b": rng.integers(0, 3, 50).tolist()}, [3] * 50)
    assert compare(per, "a", "b", seed=5) == compare(per, "a", "b", seed=5)


def test_methods_scored_on_different_events_are_refused():
    per = pd.concat([_per_date({"a": [1, 1]}, [2, 2]), _per_date({"b": [1, 1]}, [2, 3])])
    with pytest.raises(ValueError, match="same dates"):
        compare(per, "a", "b")
    with pytest.raises(ValueError, match="no backtest records"):
        compare(per, "a", "zzz")


def test_block_indices_are_consecutive_runs_inside_the_range():
    idx = block_indices(23, 50, 4, np.random.default_rng(0))
    assert idx.shape == (50, 23) and idx.min() >= 0 and idx.max() <= 22
    assert (np.diff(idx[:, :4], axis=1) == 1).all()
    assert block_indices(0, 5, 4, np.random.default_rng(0)).shape == (5, 0)
    assert block_indices(3, 5, 10, np.random.default_rng(0)).tolist() == [[0, 1, 2]] * 5   # block cut to n


def test_compare_all_and_text():
    per = _per_date({"engine": [2] * 10, "grid": [1] * 10, "kde": [2] * 10}, [3] * 10)
    cs = compare_all(per, n_boot=100)
    assert [c.baseline for c in cs] == ["grid", "kde"]
    text = format_comparisons(cs)
    assert "grid" in text.splitlines()[2] and "+10" in text.splitlines()[2]
    assert cs[0].to_dict()["hits_diff"] == 10
