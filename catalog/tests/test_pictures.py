"""Product pictures staff upload in the admin: checked by Pillow, stored through Django's storage
API (here the file system under MEDIA_ROOT, served by the shop), shown everywhere the product's
picture is, while products without an upload keep their static path."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from catalog.client import catalog_client
from catalog.models import PICTURE_MAX_BYTES, Product, picture_size_check
from catalog.services import demo_catalog_load

pytestmark = pytest.mark.django_db

MUG = "6E92ZMYYFZ"
CHANGE = f"/admin/catalog/product/{MUG}/change/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_catalog_load()
    return tmp_path


def png(name: str = "mug.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload(admin_client, picture: SimpleUploadedFile):
    form = {"name": "Mug", "description": "A mug.", "picture": "/static/catalog/products/x.svg",
            "image": picture, "price_amount": "8.99", "categories": ["kitchen"],
            "is_active": "on"}  # fmt: skip
    return admin_client.post(CHANGE, form)


def test_an_uploaded_png_is_stored_and_shown_wherever_the_product_is(admin_client, media, client):
    assert upload(admin_client, png()).status_code == 302
    product = Product.objects.get(pk=MUG)
    assert product.image.name.startswith("products/mug") and default_storage.exists(
        product.image.name
    )
    url = f"/media/{product.image.name}"
    assert (media / product.image.name).is_file()
    # The seam carries the URL string, whichever way the product is read.
    assert catalog_client().get_product(MUG).picture == url
    assert catalog_client().get_products([MUG])[MUG].picture == url
    assert f'src="{url}"' in client.get(f"/product/{MUG}").content.decode()
    assert client.get(f"/api/v1/products/{MUG}/").json()["picture"] == f"http://testserver{url}"
    assert f'src="{url}"' in admin_client.get("/admin/catalog/product/").content.decode()
    # The embedded shop serves it.
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (40, 30)


def test_products_without_an_upload_keep_their_static_picture(media):
    assert catalog_client().get_product("OLJCESPC7Z").picture == (
        "/static/img/products/sunglasses.jpg"
    )


@pytest.mark.parametrize(
    "picture",
    [
        SimpleUploadedFile("mug.png", b"not an image at all", content_type="image/png"),
        SimpleUploadedFile(
            "mug.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
        ),  # fmt: skip
        SimpleUploadedFile("mug.tiff", b"", content_type="image/tiff"),
    ],
    ids=["text-named-png", "svg", "empty-tiff"],
)
def test_anything_but_a_picture_browsers_show_is_refused(admin_client, media, picture):
    response = upload(admin_client, picture)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Product.objects.get(pk=MUG).image and not any(media.rglob("mug*"))


def test_a_tiff_pillow_reads_is_still_refused(admin_client, media):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="TIFF")
    response = upload(admin_client, SimpleUploadedFile("mug.tiff", buffer.getvalue()))
    assert response.status_code == 200 and "mug.tiff" not in str(Product.objects.get(pk=MUG).image)


def test_a_picture_over_the_size_limit_is_refused():
    picture_size_check(SimpleUploadedFile("ok.png", b"0" * PICTURE_MAX_BYTES))
    with pytest.raises(ValidationError, match="at most 5 MB"):
        picture_size_check(SimpleUploadedFile("big.png", b"0" * (PICTURE_MAX_BYTES + 1)))


STORAGE_PROBE = """
import django
django.setup()
from django.urls import Resolver404, resolve
from catalog.models import picture_url
try:
    resolve("/media/products/a.png")
    served = True
except Resolver404:
    served = False
print(picture_url("", "products/a.png"), served)
"""


def test_another_storage_is_two_settings_away():
    """E.g. an S3-compatible bucket: MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and
    its options; here Django's in-memory storage stands in for it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "ENV_FILE": os.devnull,
           "MEDIA_STORAGE_BACKEND": "django.core.files.storage.InMemoryStorage",
           "MEDIA_STORAGE_OPTIONS": '{"base_url": "https://pictures.example.com/"}'}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", STORAGE_PROBE], env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Its own URLs; the shop no longer serves /media/ itself.
    assert result.stdout.split() == ["https://pictures.example.com/products/a.png", "False"]


def test_pictures_from_another_origin_are_allowed_by_the_content_security_policy(settings, db):
    settings.MEDIA_ORIGIN = "https://pictures.example.com"
    policy = Client().get("/_healthz")["Content-Security-Policy"]
    assert "img-src 'self' data: https://pictures.example.com;" in policy
