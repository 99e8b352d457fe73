"""No tables of its own: the rule documents live in each programme's models. This module exists
because Django sends `post_migrate` only to apps with a models module (tamnong.rules.apps)."""
