"""shop.tasks.enqueue_after_response: a task queued while a web request is served is published
once its response is sent (request_finished), in the request's context; elsewhere at once."""

import logging

import pytest
from django.db import transaction
from django.test import Client

from shop import tasks
from shop.observability import requestid


@pytest.fixture
def published(monkeypatch):
    seen = []

    def publish(name, args, countdown):
        if name == "fails":
            raise RuntimeError("the task failed")
        seen.append((name, args, requestid.current()))

    monkeypatch.setattr(tasks, "_publish", publish)
    return seen


def test_outside_a_request_the_task_is_published_at_once(published):
    tasks.enqueue_after_response("a.task", 1)
    assert published == [("a.task", (1,), None)]


def test_during_a_request_it_waits_for_the_response_and_keeps_the_request_s_id(published):
    tasks.request_started()
    token = requestid.bind("req-1")
    try:
        tasks.enqueue_after_response("a.task", 1)
        tasks.enqueue_after_response("b.task", 2)
    finally:
        requestid.unbind(token)  # as the middleware does before the response is closed
    assert published == []
    tasks.request_finished()
    assert published == [("a.task", (1,), "req-1"), ("b.task", (2,), "req-1")]
    tasks.enqueue_after_response("c.task", 3)  # the request is over: at once
    assert published[-1] == ("c.task", (3,), None)


def test_a_failing_publish_is_logged_and_the_others_still_go(published, caplog):
    tasks.request_started()
    tasks.enqueue_after_response("fails")
    tasks.enqueue_after_response("a.task", 1)
    with caplog.at_level(logging.ERROR, logger="shop.tasks"):
        tasks.request_finished()
    assert published == [("a.task", (1,), None)]
    assert "Task fails queued after the response failed" in caplog.text


def test_a_request_whose_response_was_never_closed_has_its_tasks_published_by_the_next(
    published,
):
    tasks.request_started()
    tasks.enqueue_after_response("a.task", 1)
    tasks.request_started()
    assert published == [("a.task", (1,), None)]
    tasks.request_finished()


@pytest.mark.django_db(transaction=True)
def test_a_view_s_task_is_published_after_the_view_returned(published, monkeypatch):
    from django.http import HttpResponse
    from django.urls import path

    seen_in_view = []

    def view(request):
        with transaction.atomic():
            transaction.on_commit(lambda: tasks.enqueue_after_response("a.task", 1))
        seen_in_view.extend(published)
        return HttpResponse("ok")

    monkeypatch.setattr("shop.urls.urlpatterns", [path("after-response", view)])
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        response = Client().get("/after-response")
    finally:
        clear_url_caches()
    assert response.status_code == 200
    assert seen_in_view == [] and [name for name, *_ in published] == ["a.task"]
