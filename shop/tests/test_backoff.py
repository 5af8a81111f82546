"""The retry delay of background tasks."""

from shop.backoff import backoff_delay


def test_the_delay_grows_with_the_attempt_up_to_the_cap():
    assert all(0 <= backoff_delay(0, 2.0, 600.0) <= 2.0 for _ in range(100))
    assert all(0 <= backoff_delay(3, 2.0, 600.0) <= 16.0 for _ in range(100))
    assert all(0 <= backoff_delay(20, 2.0, 600.0) <= 600.0 for _ in range(100))
    assert max(backoff_delay(20, 2.0, 600.0) for _ in range(100)) > 16.0
