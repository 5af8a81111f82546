"""The arithmetic of recommendations, in plain Python: how alike two products are by what
customers bought together, by shared categories and by the words of their names and
descriptions. No database, no Django: products and baskets in, neighbour lists out.

Every loop runs over sorted inputs and every score is rounded, so the same products and baskets
always give the same table, whatever order they arrive in.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# How much each signal counts in the blend: what customers actually buy together says most.
WEIGHTS = {"co_purchase": 0.5, "text": 0.3, "categories": 0.2}
# A term or category shared by more products than this tells them apart too little to pay for
# the quadratic pair count; a basket larger than this is a bulk order, not a taste.
MAX_POSTINGS = 1000
MAX_BASKET = 50
SCORE_DIGITS = 6

Pair = tuple[str, str]  # (a, b) with a < b

STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is",
        "it", "its", "of", "on", "or", "our", "that", "the", "this", "to", "with", "you", "your",
    }
)  # fmt: skip
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    description: str
    categories: frozenset[str]


def tokens(text: str) -> list[str]:
    """Lower-case words without stopwords, with a plain plural 's' dropped (jar/jars)."""
    words = []
    for word in WORD.findall(text.lower()):
        if len(word) < 2 or word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _pairs_by_shared_keys(postings: Mapping[str, Mapping[str, float]]) -> dict[Pair, float]:
    """Sum over shared keys of the product of both members' weights for that key."""
    sums: dict[Pair, float] = defaultdict(float)
    for key in sorted(postings):
        members = sorted(postings[key].items())
        if len(members) > MAX_POSTINGS:
            continue
        for i, (a, weight_a) in enumerate(members):
            for b, weight_b in members[i + 1 :]:
                sums[(a, b)] += weight_a * weight_b
    return sums


def text_similarity(items: Iterable[Item]) -> dict[Pair, float]:
    """TF-IDF cosine of name (counted twice: a name says more) and description."""
    items = sorted(items, key=lambda item: item.id)
    bags = {item.id: Counter(tokens(item.name) * 2 + tokens(item.description)) for item in items}
    document_frequency = Counter(term for bag in bags.values() for term in bag)
    count = len(bags)
    postings: dict[str, dict[str, float]] = defaultdict(dict)
    for product_id, bag in bags.items():
        weights = {
            term: tf * (math.log((1 + count) / (1 + document_frequency[term])) + 1)
            for term, tf in sorted(bag.items())
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        for term, weight in weights.items():
            postings[term][product_id] = weight / norm
    return _pairs_by_shared_keys(postings)


def category_similarity(items: Iterable[Item]) -> dict[Pair, float]:
    """Jaccard index of the category sets."""
    categories = {item.id: item.categories for item in items}
    postings: dict[str, dict[str, float]] = defaultdict(dict)
    for product_id, keys in categories.items():
        for key in keys:
            postings[key][product_id] = 1.0
    return {
        (a, b): shared / len(categories[a] | categories[b])
        for (a, b), shared in _pairs_by_shared_keys(postings).items()
    }


def purchase_counts(baskets: Iterable[Iterable[str]], known: set[str]) -> Counter[str]:
    """In how many baskets each known product is."""
    return Counter(product_id for basket in baskets for product_id in set(basket) & known)


def co_purchase_similarity(baskets: Iterable[Iterable[str]], known: set[str]) -> dict[Pair, float]:
    """Cosine of the products' basket sets: together / sqrt(count(a) * count(b))."""
    baskets = [sorted(set(basket) & known) for basket in baskets]
    together: Counter[Pair] = Counter()
    for basket in baskets:
        if len(basket) > MAX_BASKET:
            continue
        for i, a in enumerate(basket):
            for b in basket[i + 1 :]:
                together[(a, b)] += 1
    counts = purchase_counts(baskets, known)
    return {
        (a, b): shared / math.sqrt(counts[a] * counts[b])
        for (a, b), shared in sorted(together.items())
    }


def neighbours(
    items: Iterable[Item], baskets: Iterable[Iterable[str]], *, limit: int
) -> tuple[dict[str, list[tuple[str, float]]], list[tuple[str, float]]]:
    """Each product's `limit` most alike products, best first, as (id, score), and every
    product by popularity (purchase count), most bought first. Ties go to the more popular
    product, then to the smaller id."""
    items = sorted(items, key=lambda item: item.id)
    baskets = [tuple(basket) for basket in baskets]
    known = {item.id for item in items}
    signals = {
        "co_purchase": co_purchase_similarity(baskets, known),
        "text": text_similarity(items),
        "categories": category_similarity(items),
    }
    blended: dict[Pair, float] = defaultdict(float)
    for signal in sorted(signals):
        for pair, score in sorted(signals[signal].items()):
            blended[pair] += WEIGHTS[signal] * score
    popularity = purchase_counts(baskets, known)

    alike: dict[str, dict[str, float]] = {product_id: {} for product_id in sorted(known)}
    for (a, b), score in sorted(blended.items()):
        score = round(score, SCORE_DIGITS)
        if score > 0:
            alike[a][b] = score
            alike[b][a] = score

    def rank(entry: tuple[str, float]) -> tuple[float, int, str]:
        product_id, score = entry
        return (-score, -popularity[product_id], product_id)

    table = {
        product_id: sorted(scores.items(), key=rank)[:limit] for product_id, scores in alike.items()
    }
    popular = sorted(
        ((product_id, float(popularity[product_id])) for product_id in known), key=rank
    )
    return table, popular
