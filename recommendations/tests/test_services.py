import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from recommendations import services
from recommendations.models import Basket, Neighbours
from recommendations.selectors import InvalidProductIds, recommendations_list
from recommendations.services import InvalidPurchase, purchase_record, recommendations_rebuild
from recommendations.similarity import Item, neighbours, tokens
from recommendations.tasks import purchase_recorded
from shop import dto, registry
from shop.money import Money

pytestmark = pytest.mark.django_db

MUG, JAR, SHAKERS = "6E92ZMYYFZ", "9SIQT8TOJO", "LS4PSXUNUM"
SUNGLASSES, WATCH, TANK_TOP = "OLJCESPC7Z", "1YMWWN1N4O", "66VCHSJNUP"
KITCHEN = {MUG, JAR, SHAKERS}


@pytest.fixture
def demo_catalog(db):
    from catalog.services import demo_catalog_load

    demo_catalog_load()


class ListedCatalog:
    """A catalog client that lists the given products, in the given order."""

    def __init__(self, products):
        self.products = list(products)

    def list_products(self):
        return list(self.products)


def product(product_id, name, description="", categories=()):
    return dto.Product(
        id=product_id,
        name=name,
        description=description,
        picture=f"/static/{product_id}.svg",
        price_usd=Money(Decimal("1.00"), "USD"),
        categories=tuple(categories),
    )


def table() -> dict[str, list]:
    return dict(Neighbours.objects.values_list("product_id", "neighbours"))


def test_tokens_drop_stopwords_and_plain_plurals():
    assert tokens("The Jars of a glass-jar shop, 350 ml") == [
        "jar",
        "glass",
        "jar",
        "shop",
        "350",
        "ml",
    ]


def test_a_new_catalog_is_recommended_by_categories_and_words(demo_catalog):
    recommendations_rebuild()
    mug = recommendations_list(product_ids=[MUG])
    assert len(mug) == 5 and MUG not in mug
    assert set(mug[:2]) == KITCHEN - {MUG}


def test_never_an_asked_product_and_at_most_five(demo_catalog):
    recommendations_rebuild()
    for asked in [[MUG], [MUG, JAR, SHAKERS], [SUNGLASSES, WATCH, TANK_TOP, MUG]]:
        result = recommendations_list(product_ids=asked)
        assert 0 < len(result) <= 5
        assert not set(result) & set(asked)
        assert len(set(result)) == len(result)


def test_co_purchases_lift_products_bought_together(demo_catalog):
    recommendations_rebuild()
    assert recommendations_list(product_ids=[MUG])[0] != SUNGLASSES
    for order in range(3):
        purchase_record(order_id=f"order-{order}", product_ids=(MUG, SUNGLASSES))
    recommendations_rebuild()
    assert recommendations_list(product_ids=[MUG])[0] == SUNGLASSES


def test_popularity_fills_in_for_unknown_or_no_products(demo_catalog):
    purchase_record(order_id="a", product_ids=(WATCH, MUG))
    purchase_record(order_id="b", product_ids=(WATCH,))
    recommendations_rebuild()
    assert recommendations_list(product_ids=[])[:2] == [WATCH, MUG]
    assert recommendations_list(product_ids=["NOSUCHTHNG"])[:2] == [WATCH, MUG]
    assert recommendations_list(product_ids=[WATCH])[0] != WATCH


def test_only_active_products_are_recommended(demo_catalog):
    purchase_record(order_id="a", product_ids=(MUG, JAR))
    from catalog.models import Product

    Product.objects.filter(pk=JAR).update(is_active=False)
    recommendations_rebuild()
    assert JAR not in table()
    for asked in [[MUG], [], [SHAKERS]]:
        assert JAR not in recommendations_list(product_ids=asked)


def test_serving_is_one_query(demo_catalog, django_assert_num_queries):
    recommendations_rebuild()
    with django_assert_num_queries(1):
        recommendations_list(product_ids=[MUG, JAR, WATCH])


def test_the_table_is_the_same_whatever_order_the_data_arrives_in(demo_catalog):
    from catalog.client import catalog_client

    products = catalog_client().list_products()
    orders = [(f"o{i}", tuple(random.Random(i).sample(sorted(p.id for p in products), 3)))
              for i in range(12)]  # fmt: skip
    for order_id, ids in orders:
        purchase_record(order_id=order_id, product_ids=ids)
    recommendations_rebuild()
    first = table()
    answers = {ids: recommendations_list(product_ids=ids) for _o, ids in orders}

    rng = random.Random(42)
    Basket.objects.all().delete()
    for order_id, ids in rng.sample(orders, len(orders)):
        purchase_record(order_id=order_id, product_ids=tuple(rng.sample(ids, len(ids))))
    with registry.override("catalog", ListedCatalog(rng.sample(products, len(products)))):
        recommendations_rebuild()
    assert table() == first
    assert {ids: recommendations_list(product_ids=ids[::-1]) for _o, ids in orders} == answers


def test_ties_go_to_the_more_popular_product_then_the_smaller_id(db):
    twins = [product(pid, "Plain cup", "A cup.", ["cups"]) for pid in ["CUPC", "CUPA", "CUPB"]]
    other = product("SAUCER", "Saucer", "A plate.", ["plates"])
    with registry.override("catalog", ListedCatalog([*twins, other])):
        recommendations_rebuild()
        assert recommendations_list(product_ids=["CUPC"])[:2] == ["CUPA", "CUPB"]
        purchase_record(order_id="x", product_ids=("CUPB", "SAUCER"))
        recommendations_rebuild()
    assert recommendations_list(product_ids=["CUPC"])[:2] == ["CUPB", "CUPA"]
    # Several asked products: merged by summed score, then best position, then id.
    assert recommendations_list(product_ids=["CUPA", "CUPB"]) == ["CUPC", "SAUCER"]


def test_blend_in_isolation_scores_each_pair_symmetrically():
    items = [
        Item("A", "Red mug", "stoneware", frozenset({"kitchen"})),
        Item("B", "Blue mug", "stoneware", frozenset({"kitchen"})),
        Item("C", "Lamp", "brass", frozenset({"decor"})),
    ]
    result, popular = neighbours(items, [("A", "C")], limit=5)
    assert dict(result["A"])["B"] == dict(result["B"])["A"]
    assert [entry[0] for entry in popular] == ["A", "C", "B"]
    assert "A" not in dict(result["A"])


def test_purchases_are_recorded_once_per_order():
    assert purchase_record(order_id="o-1", product_ids=(MUG, JAR, MUG)) is True
    assert purchase_record(order_id="o-1", product_ids=(WATCH,)) is False
    assert Basket.objects.get().product_ids == sorted([MUG, JAR])


@pytest.mark.django_db(transaction=True)
def test_a_purchase_outside_a_transaction_is_its_insert_alone(monkeypatch):
    # As in the worker (autocommit): the insert is the check; a repeat is refused by the unique
    # key, stores nothing and queues no rebuild.
    rebuilds = []
    monkeypatch.setattr(services, "recommendations_rebuild_soon", lambda: rebuilds.append(1))
    with CaptureQueriesContext(connection) as new:
        assert purchase_record(order_id="o-1", product_ids=(MUG, JAR)) is True
    with CaptureQueriesContext(connection) as repeat:
        assert purchase_record(order_id="o-1", product_ids=(WATCH,)) is False
    assert [q["sql"].split()[0] for q in new.captured_queries] == ["INSERT"]
    assert [q["sql"].split()[0] for q in repeat.captured_queries] == ["INSERT"]
    assert Basket.objects.get().product_ids == sorted([MUG, JAR])
    assert rebuilds == [1]


def test_a_refused_repeat_inside_a_transaction_leaves_it_usable():
    # Inside a caller's transaction (the embedded shop's checkout) the insert has a savepoint.
    with transaction.atomic():
        purchase_record(order_id="o-1", product_ids=(MUG,))
        assert purchase_record(order_id="o-1", product_ids=(JAR,)) is False
        assert Basket.objects.count() == 1


@pytest.mark.parametrize(
    "order_id,product_ids,message",
    [
        ("", (MUG,), "order id"),
        ("x" * 65, (MUG,), "order id"),
        ("o", (), "at least one product"),
        ("o", ("",), "non-empty"),
        ("o", tuple(f"P{i}" for i in range(501)), "at most 500"),
    ],
)
def test_a_bad_purchase_is_refused_and_stores_nothing(order_id, product_ids, message):
    with pytest.raises(InvalidPurchase, match=message):
        purchase_record(order_id=order_id, product_ids=product_ids)
    assert not Basket.objects.exists()


def test_too_many_asked_ids_are_refused():
    with pytest.raises(InvalidProductIds):
        recommendations_list(product_ids=[f"P{i}" for i in range(101)])


@pytest.mark.django_db(transaction=True)
def test_the_purchase_task_records_and_rebuilds(demo_catalog):
    # Celery runs eagerly here (no broker configured), so the queued rebuild runs at once.
    purchase_recorded.delay("order-9", [MUG, SUNGLASSES])
    assert Basket.objects.filter(order_id="order-9").exists()
    assert recommendations_list(product_ids=[])[:2] == sorted([MUG, SUNGLASSES])


@pytest.mark.django_db(transaction=True)
def test_orders_in_a_row_in_eager_mode_rebuild_once_per_interval(demo_catalog, monkeypatch):
    # Eager, the rebuild runs inside the checkout request: with a big catalog that takes seconds,
    # so a run of orders rebuilds once; the first order after the interval rebuilds again.
    rebuilds = []

    def counted_rebuild():
        rebuilds.append(Basket.objects.count())
        return recommendations_rebuild()

    monkeypatch.setattr(services, "recommendations_rebuild", counted_rebuild)
    for n in range(3):
        purchase_recorded.delay(f"order-{n}", [MUG, SUNGLASSES])
    assert rebuilds == [1]

    cache.delete(services.EAGER_REBUILD_KEY)  # the interval is over
    purchase_recorded.delay("order-3", [MUG])
    assert rebuilds == [1, 4]
    popular = Neighbours.objects.get(product_id=Neighbours.POPULAR).neighbours
    assert popular[0] == [MUG, 4]
