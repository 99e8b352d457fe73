"""The one gate for who may see and change what.

- `roles`: the roles and the role sets (one place for every app);
- `scope`: `Scope` (a user's grants: path-prefix memberships, producers) and `ScopedQuerySet`;
- `actors`: `SYSTEM`, the named actor of commands and jobs, and `require_actor`;
- `lookups`: one record or unit in scope (`get_visible_or_404`, `resolve_division`), the units a
  user may write in (`editable_units`), and the one out-of-scope policy (404 for a hidden record,
  403 for a step refused or a unit outside the scope).
"""
