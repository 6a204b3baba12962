"""Helpers the test modules share (not test modules, and no fixtures: those are in conftest.py).

- :mod:`helpers.app`: the suite's database (``DATABASE_URL``, ``IS_SQLITE``), the users'
  ``PASSWORD``, CSRF tokens, and signing a test client in or switching its language.
- :mod:`helpers.browser`: headless Chromium (``CHROMIUM``), serving an app to it, a browser tab,
  signing in and switching language in the browser, ``ARTIFACTS`` for screenshots.
- :mod:`helpers.pages`: seeded sites and the lists of their pages, and what counts as English.
- :mod:`helpers.catalogs`: editing catalog copies and the workbench's editor form, ``.po`` bytes.
- :mod:`helpers.catalog_state`: what the workbench's tests compare before and after.
- :mod:`helpers.hostile`: hostile translations, and finding what of them a page ran.
- :mod:`helpers.deploy`: a fresh copy of the repository, commands and servers started from it.
- :mod:`helpers.s3`: the fake credentials and a client for the suite's S3-compatible server.

Test modules import from here, never from each other or from conftest.py
(``tests/test_suite_layout.py`` checks).
"""
