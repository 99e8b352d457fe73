"""The one gate for who may see and change what.

- `roles`: the roles and the role sets (one place for every app);
- `scope`: `Scope` (a user's grants: path-prefix memberships, producers) and `ScopedQuerySet`.
"""
