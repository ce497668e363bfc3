"""B-cubed precision, recall and F1 of a clustering against gold labels (Bagga and
Baldwin 1998; Amigó et al. 2009): for each item, precision is the share of its predicted
cluster that shares its gold label, recall the share of its gold cluster that was put in
its predicted cluster; both averaged over the items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> tuple[float, float, float]:
    """``predicted`` and ``gold`` map each item to its cluster; only items in ``gold`` count."""
    items = [i for i in gold if i in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    both = Counter((predicted[i], gold[i]) for i in items)
    size_p = Counter(predicted[i] for i in items)
    size_g = Counter(gold[i] for i in items)
    precision = sum(both[(predicted[i], gold[i])] / size_p[predicted[i]] for i in items) / len(items)
    recall = sum(both[(predicted[i], gold[i])] / size_g[gold[i]] for i in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
