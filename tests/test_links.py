"""URLs into the admin (backoffice/admin/links.py): fixed URLs built once are the URLs
``url_for`` builds, under whichever application root the request comes through."""

from __future__ import annotations

import pytest
from flask import url_for

from backoffice.admin.links import fixed_url


@pytest.mark.parametrize("root", ["", "/office"])
def test_a_fixed_url_is_the_one_url_for_builds_under_each_root(app, root):
    for path in ("/admin/comments/", "/admin/posts/"):
        with app.test_request_context(path, base_url=f"http://localhost{root}"):
            for endpoint, args in [
                (".action_view", {}),
                (".delete_view", {}),
                (".index_view", {"status": "spam"}),
                ("comments.index_view", {"status": "all"}),
            ]:
                built = url_for(endpoint, **args)
                assert built.startswith(f"{root}/admin/")
                assert fixed_url(endpoint, **args) == built
                assert fixed_url(endpoint, **args) == built  # and when it is kept


def test_the_queue_links_its_tabs_and_forms_to_its_own_urls(client, login_as):
    login_as("admin")
    page = client.get("/admin/comments/").get_data(as_text=True)
    for status in ("pending", "approved", "spam", "all"):
        assert f'href="/admin/comments/?status={status}"' in page
    for form in ("action_form", "row-delete"):
        assert f'id="{form}"' in page
    assert 'action="/admin/comments/action/"' in page
    assert 'action="/admin/comments/delete/"' in page
