"""The shop's settings plus a bare "hello" view: the yardstick of `make bench`."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
