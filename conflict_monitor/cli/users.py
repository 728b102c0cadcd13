"""CLI: `users add NAME --role ROLE`, `users list`, `users remove NAME`, `users hash-password`.

Passwords are asked with getpass (never on the command line, where they would land in the shell
history and the process list) and stored only as salted scrypt hashes. Every change is recorded
in the audit trail with the operating-system user.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from conflict_monitor.access.passwords import hash_password
from conflict_monitor.access.roles import ROLES
from conflict_monitor.cli.args import get_cli_actor
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.users import UserError, add_user, check_user_name, list_users, remove_user

MIN_PASSWORD = 10  # characters; NIST SP 800-63B asks for at least 8, we ask a little more


def ask_new_password() -> str | None:
    """A new password typed twice; None (with the reason printed) if unusable."""
    first = getpass.getpass("New password: ")
    if len(first) < MIN_PASSWORD:
        print(f"error: the password must have at least {MIN_PASSWORD} characters.", file=sys.stderr)
        return None
    if getpass.getpass("Again: ") != first:
        print("error: the two passwords differ.", file=sys.stderr)
        return None
    return first


def run_add(args: argparse.Namespace) -> int:
    try:
        check_user_name(args.name)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    password = ask_new_password()
    if password is None:
        return 1
    store = open_store()
    try:
        add_user(store, args.name, args.role, hash_password(password), replace=args.replace)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    record_audit(store, get_cli_actor(), "user", args.name, 1,
                 f"{'set' if args.replace else 'added'} with role {args.role}")
    print(f"Account {args.name} ({args.role}) saved in {store.location}. The dashboard uses "
          "accounts when its secrets say [access] accounts = true.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    frame = list_users(open_store())
    if frame.empty:
        print("No accounts.")
    for name, role, created in zip(frame["name"], frame["role"], frame["created_at"], strict=True):
        print(f"{name}\t{role}\tcreated {created:%Y-%m-%d %H:%M} UTC")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    store = open_store()
    if not remove_user(store, args.name):
        print(f"error: there is no account {args.name!r}.", file=sys.stderr)
        return 1
    record_audit(store, get_cli_actor(), "user", args.name, 1, "removed")
    print(f"Account {args.name} removed.")
    return 0


def run_hash_password(args: argparse.Namespace) -> int:
    password = ask_new_password()
    if password is None:
        return 1
    print(f'password_hash = "{hash_password(password)}"')
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the users command and its subcommands."""
    users = subparsers.add_parser("users", help="local accounts for the dashboard's sign-in",
                                  description="Manage the dashboard's local accounts (used when "
                                              "the secrets say [access] accounts = true).")
    sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="create an account (the password is asked, never given)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True,
                     help="viewer: reads and exports; editor: also adds and imports; admin: also "
                          "the audit trail")
    add.add_argument("--replace", action="store_true", help="set the role and password of an "
                                                            "existing account")
    add.set_defaults(func=run_add)
    sub.add_parser("list", help="accounts and their roles").set_defaults(func=run_list)
    remove = sub.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    remove.set_defaults(func=run_remove)
    sub.add_parser("hash-password", help="print a password_hash line for the shared password "
                                         "in secrets.toml").set_defaults(func=run_hash_password)
