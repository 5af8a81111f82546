from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html

from .models import Category, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "name", "id", "price_amount", "is_active", "updated_at"]
    list_display_links = ["thumbnail", "name"]
    list_editable = ["price_amount", "is_active"]
    list_filter = ["is_active", "categories"]
    # "=id": exact, so an id search does not scan; name and description use icontains, which
    # the trigram indexes serve on PostgreSQL.
    search_fields = ["=id", "name", "description"]
    filter_horizontal = ["categories"]
    readonly_fields = ["preview", "price_currency", "created_at", "updated_at"]
    fields = ["id", "name", "description", "image", "picture", "preview", "price_amount",
              "price_currency", "categories", "is_active", "created_at", "updated_at"]  # fmt: skip
    list_per_page = 50
    # The paginator's exact COUNT(*) over a large filtered catalog is the slow part of a page.
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # The id is the product's identity in carts, orders and links: set once, at creation.
        return [*self.readonly_fields, "id"] if obj else self.readonly_fields

    @admin.display(description="")
    def thumbnail(self, product: Product) -> str:
        return _image(product.picture_url, 48)

    @admin.display(description="picture preview")
    def preview(self, product: Product) -> str:
        return _image(product.picture_url, 200)


def _image(url: str, size: int) -> str:
    if not url:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" '
        'style="object-fit:cover;border-radius:4px">',
        url,
        size,
        size,
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active_products"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        active = Count("products", filter=Q(products__is_active=True))
        return super().get_queryset(request).annotate(active_product_count=active)

    @admin.display(description="active products", ordering="active_product_count")
    def active_products(self, category: Category) -> int:
        return category.active_product_count
