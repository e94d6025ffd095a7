"""Real parts for tests: a local news site (feeds and article pages) on 127.0.0.1."""
