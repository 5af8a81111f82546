from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"

    def redis_backup_patterns(self) -> dict[str, str]:
        """The keys manage.py backup copies from Redis (shop/backups/keyspace.py): the carts."""
        from .stores import RedisCartStore

        return {"carts": f"{RedisCartStore.key_prefix}*"}
