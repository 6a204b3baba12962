"""The benchmark: Backoffice's admin pages against stock Flask-Admin and bare Flask.

``python bench/run.py --help`` runs it; see ``bench/README.md``.
"""
