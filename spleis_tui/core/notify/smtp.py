"""The mail server: settings from `mail.toml`, the password from the system keyring.

    [smtp]
    host = "smtp.office365.com"
    port = 587
    security = "starttls"
    username = "kari@ntnu.no"
    sender_name = "Vennespleis NTNU"
    sender_email = "kari@ntnu.no"

The file lives in the config folder (`$SPLEIS_MAIL_CONFIG` names another). It never
holds the password: a file with one is refused, and the password is kept in the
system keyring under the service "spleis-smtp" and the key "username@host".
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spleis_tui.core.emails import is_valid_email
from spleis_tui.core.errors import SpleisError
from spleis_tui.i18n import _

KEYRING_SERVICE = "spleis-smtp"
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
KNOWN_KEYS = (
    "host",
    "port",
    "security",
    "username",
    "sender_name",
    "sender_email",
    "rate_per_minute",
    "timeout",
)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "none" (only for a server on this computer)
    username: str  # "" when the server takes mail without logging in
    sender_name: str
    sender_email: str
    rate_per_minute: int = 30
    timeout: int = 30

    @property
    def keyring_key(self) -> str:
        return f"{self.username}@{self.host}"


class LoginFailed(SpleisError):
    """The server refused the user name and password: ask for the password again."""


def config_path() -> Path:
    """`mail.toml` in the config folder, or the file $SPLEIS_MAIL_CONFIG names."""
    from spleis_tui.locations import mail_config_path

    return mail_config_path()


def config_template() -> str:
    """A `mail.toml` to start from, with what each setting means."""
    lines = [
        "# " + _("Spleis's mail settings. No password here: it lives in the system keyring."),
        "[smtp]",
        "# " + _("The server that sends the mail, as your mail program names it."),
        'host = "smtp.office365.com"',
        "# " + _("587 with starttls, 465 with ssl."),
        "port = 587",
        'security = "starttls"',
        "# " + _("The user name you log in with; leave it empty if the server needs none."),
        'username = "kari.nordmann@ntnu.no"',
        "# " + _("Who the members see the e-mail from, and where their answers go."),
        'sender_name = "Vennespleis NTNU"',
        'sender_email = "kari.nordmann@ntnu.no"',
        "# " + _("At most this many e-mails a minute, so the server does not take you for spam."),
        "rate_per_minute = 30",
        "# " + _("Seconds to wait for the server before giving up."),
        "timeout = 30",
    ]
    return "\n".join(lines) + "\n"


def write_config_template(path: Path | None = None) -> Path:
    """Write `config_template()` to mail.toml (readable by its owner only), never over one
    that is there already; return the path."""
    path = path or config_path()
    if path.exists():
        raise SpleisError(_("{path} exists already; edit it.").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(config_template())
    return path


def _problem(path: Path, message: str) -> SpleisError:
    return SpleisError(f"{path}: {message}")


def _text(path: Path, table: dict, key: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise _problem(path, _("smtp.{key} is missing.").format(key=key))
    if not isinstance(value, str):
        raise _problem(path, _("smtp.{key} must be text in quotes.").format(key=key))
    if "\n" in value or "\r" in value:
        raise _problem(path, _("smtp.{key} must be one line.").format(key=key))
    return value.strip()


def _number(path: Path, table: dict, key: str, default: int, low: int, high: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _problem(path, _("smtp.{key} must be a number.").format(key=key))
    if not low <= value <= high:
        raise _problem(
            path,
            _("smtp.{key} must be from {low} to {high}.").format(key=key, low=low, high=high),
        )
    return value


def _refuse_password(path: Path) -> SpleisError:
    return _problem(
        path,
        _(
            "a password must never be in this file. Remove the password line: Spleis asks "
            "for the password and keeps it in the system keyring."
        ),
    )


def load_config(path: str | os.PathLike[str] | None = None) -> SmtpConfig:
    """Read the `[smtp]` table; a SpleisError naming the file and the setting at fault."""
    file = Path(path).expanduser() if path is not None else config_path()
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise SpleisError(
            _("There are no mail settings yet: {path} does not exist.").format(path=file)
        ) from None
    except OSError as error:
        raise _problem(file, error.strerror or str(error)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _problem(file, _("this file is not UTF-8 text.")) from None
    except tomllib.TOMLDecodeError as error:
        raise _problem(file, _("this is not valid TOML ({reason}).").format(reason=error)) from None
    table = data.get("smtp")
    if "password" in data or (isinstance(table, dict) and "password" in table):
        raise _refuse_password(file)
    if not isinstance(table, dict):
        raise _problem(file, _("there is no [smtp] table."))
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise _problem(
            file,
            _("smtp.{key} is not a setting Spleis knows. The settings are: {known}.").format(
                key=unknown[0], known=", ".join(KNOWN_KEYS)
            ),
        )
    host = _text(file, table, "host")
    if not host:
        raise _problem(file, _("smtp.{key} is missing.").format(key="host"))
    security = _text(file, table, "security", "starttls").lower()
    if security not in SECURITIES:
        raise _problem(
            file,
            _("smtp.security must be one of: {choices}.").format(choices=", ".join(SECURITIES)),
        )
    port = _number(file, table, "port", DEFAULT_PORTS[security], 1, 65_535)
    sender_email = _text(file, table, "sender_email")
    if not is_valid_email(sender_email):
        raise _problem(
            file,
            _("smtp.sender_email: {value} is not an e-mail address.").format(value=sender_email),
        )
    config = SmtpConfig(
        host=host,
        port=port,
        security=security,
        username=_text(file, table, "username", ""),
        sender_name=_text(file, table, "sender_name", ""),
        sender_email=sender_email,
        rate_per_minute=_number(file, table, "rate_per_minute", 30, 1, 600),
        timeout=_number(file, table, "timeout", 30, 1, 600),
    )
    _refuse_plain_text_remotely(config, file)
    return config


def _refuse_plain_text_remotely(config: SmtpConfig, source: Path | None = None) -> None:
    if config.security == "none" and config.host.lower() not in LOCAL_HOSTS:
        message = _(
            'security = "none" sends the password and every message unencrypted. Spleis '
            "allows it only for a server on this computer (localhost); use starttls or ssl "
            "for {host}."
        ).format(host=config.host)
        raise _problem(source, message) if source else SpleisError(message)


# The password.


def stored_password(config: SmtpConfig) -> str | None:
    """The password in the system keyring, or None (not stored, or no keyring to ask)."""
    if not config.username:
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, config.keyring_key)
    except Exception:
        # keyring.errors.KeyringError and NoKeyringError, and whatever a backend (D-Bus,
        # Secret Service, macOS Keychain) raises: without a keyring we ask instead.
        return None


def get_password(config: SmtpConfig, ask: Callable[[str], str] | None = None) -> str:
    """The password from the keyring, else from `ask(prompt)`; "" when there is no user
    name (the server takes mail without logging in)."""
    if not config.username:
        return ""
    found = stored_password(config)
    if found:
        return found
    if ask is None:
        raise SpleisError(
            _("The password for {user} on {host} is not in the system keyring.").format(
                user=config.username, host=config.host
            )
        )
    answer = ask(
        _("Password for {user} on {host}: ").format(user=config.username, host=config.host)
    )
    if not answer:
        raise SpleisError(_("No password given."))
    return answer


def store_password(config: SmtpConfig, password: str) -> None:
    """Keep the password in the system keyring, for the next run."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, config.keyring_key, password)
    except Exception as error:  # see stored_password: any backend failure
        raise SpleisError(
            _("Could not keep the password in the system keyring: {reason}").format(reason=error)
        ) from error


def forget_password(config: SmtpConfig) -> bool:
    """Remove a stored password (one that no longer works); True if there was one."""
    try:
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, config.keyring_key)
        except PasswordDeleteError:
            return False
        return True
    except Exception:
        return False


# The connection.


def reason_of(error: BaseException) -> str:
    """What went wrong, in a few words: the server's own answer when there is one."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, socket.gaierror):
        return _("the server's name is not known")
    if isinstance(error, ConnectionRefusedError):
        return _("the server refused the connection")
    if isinstance(error, TimeoutError):
        return _("the server did not answer in time")
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("the server's certificate is not valid ({reason})").format(
            reason=error.verify_message or error
        )
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def connect(
    config: SmtpConfig, password: str, *, tls_context: ssl.SSLContext | None = None
) -> smtplib.SMTP:
    """An open, logged-in connection. SpleisError naming the server and the reason, or
    LoginFailed when the server refuses the user name and password."""
    _refuse_plain_text_remotely(config)
    server = f"{config.host}:{config.port}"
    context = tls_context or ssl.create_default_context()
    client: smtplib.SMTP | None = None
    try:
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=context
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        client.ehlo()
        if config.security == "starttls":
            if not client.has_extn("starttls"):
                raise SpleisError(
                    _(
                        '{server} does not offer STARTTLS. Try security = "ssl" with port 465.'
                    ).format(server=server)
                )
            client.starttls(context=context)
            client.ehlo()
        if config.username:
            client.login(config.username, password)
        return client
    except SpleisError:
        close(client)
        raise
    except smtplib.SMTPAuthenticationError as error:
        close(client)
        raise LoginFailed(
            _("{server} did not accept the user name {user} and its password ({reason}).").format(
                server=server, user=config.username, reason=reason_of(error)
            )
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        close(client)
        raise SpleisError(
            _("Could not connect to {server}: {reason}").format(
                server=server, reason=reason_of(error)
            )
        ) from error


def close(client: smtplib.SMTP | None) -> None:
    """Say goodbye to the server; just drop the line if it has gone already."""
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
