"""The attack suite: attacks on live generated backends, every one refused.

One module per kind of attack (test_probing, test_tokens, test_accounts,
test_owner_chains, test_field_values); target.py holds what they share, conftest.py
serves the backends.

Each backend (todo and bbs from fixtures/; AutoBe's gpt-4.1 shopping and reddit imported,
slow) is served by uvicorn on loopback from a SQLite file migrated by ``autobe db
upgrade`` and attacked over real HTTP with httpx, as a client on the network would. The
attacks are derived from the project's spec (who must call each operation) and from the
backend's OpenAPI document (the bodies its routes take), never from the generated code.

Refused so far, on every operation they apply to:
- probing: unknown routes (404) and wrong methods (405) answer the one error shape and
  leak nothing of the framework (no ``detail``, no traceback);
- malformed input: a body that is not JSON answers 422 with the error shape;
- no token, a garbage token, a token signed with another secret, an unsigned (``alg:
  none``) token: 401 on every operation a principal must call;
- a refresh token used as an access token: 401;
- a real principal of one actor calling another actor's operation: 403;
- another account's rows: the first account of every actor makes rows through the API
  (tests/e2e/world.py: parents first, body references to real rows, a privileged actor's
  account by ``autobe admin create``); a new account of an actor, owning nothing, calls
  every owner-scoped operation of its actor on them (the first account's of its actor,
  else another actor's), directly or through the parent the path names: 403 / 404, or the
  row absent from a list. Among them the attacks issue 11 names: on bbs, tagging,
  untagging and attaching files to another's article; on shopping, a payment on another's
  order, an item in another's cart, listing another's cart items, a seller listing the
  payments of an order that is not theirs;
- a privileged actor's join without a privileged principal (401) or with another actor's
  (403);
- after logout, the account's access and refresh tokens (401); a refresh token used twice
  (401);
- an e-mail differing only in case joins again (409) and signs in to the same account;
- ``javascript:`` and ``data:`` URLs in URL fields (422);
- values for fields the server owns (field roles) on every public join and create: 422,
  or the row does not hold them.
"""
