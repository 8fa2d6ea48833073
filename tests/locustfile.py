"""Locust users for ``make loadtest``: one role requesting one page, both chosen by the environment.

``LOADTEST_SESSION`` is a session cookie of the role's demo user made by ``tests/loadtest.py`` (empty:
anonymous), ``LOADTEST_PATH`` the page.
"""

import os

from locust import HttpUser, constant, task


class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        session = os.environ.get("LOADTEST_SESSION", "")
        if session:
            self.client.cookies.set("sessionid", session)

    @task
    def page(self):
        path = os.environ["LOADTEST_PATH"]
        with self.client.get(path, name=path, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
