"""Any change to a product, a category or a product's categories (admin, API, shell saves)
invalidates the products in memory (catalog.selectors.products_memo). The bulk paths, which send
no signal, invalidate it themselves (catalog.services)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Category, Product
from .selectors import products_memo


@receiver([post_save, post_delete], sender=Product)
@receiver([post_save, post_delete], sender=Category)
@receiver(m2m_changed, sender=Product.categories.through)
def _catalog_changed(**kwargs) -> None:
    products_memo.changed()
