"""Telling members by e-mail: mail settings, the password, a real SMTP server on
127.0.0.1, the send log, the rate limit and draft files."""

from __future__ import annotations

import datetime as dt
import ipaddress
import smtplib
import socket
import ssl
import stat
from email import policy
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace

import keyring
import keyring.errors
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.models import SentMessage
from spleis_tui.core.notify import smtp
from spleis_tui.core.notify.messages import build_message, draft_file_names, write_drafts
from spleis_tui.core.notify.sending import plan, reset_log, send_all, send_log
from spleis_tui.core.notify.smtp import (
    LoginFailed,
    SmtpConfig,
    config_template,
    connect,
    get_password,
    load_config,
    store_password,
)
from spleis_tui.core.rounds import set_round_status
from tests.test_notify_templates import QUOTED_NAME, SNEAKY_NAME, build_round

MEMBERS = {
    "kari@example.no",
    "ola@example.no",
    "sneaky@example.no",
    "bjorn@example.no",
    "ase@example.no",
}


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def body_of(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps what arrives and refuses the addresses in `reject`."""

    def __init__(self) -> None:
        self.received: list[SimpleNamespace] = []
        self.reject: set[str] = set()
        self.close_next_data = 0  # answer DATA with 421 this many times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.close_next_data:
            self.close_next_data -= 1
            return "421 closing, too busy"
        self.received.append(
            SimpleNamespace(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=parse(envelope.content),
            )
        )
        return "250 Message accepted"


def start_server(handler, **kwargs) -> Controller:
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), server_hostname="spleis.test", **kwargs
    )
    controller.start()
    return controller


@pytest.fixture
def server():
    handler = Collector()
    controller = start_server(handler)
    handler.controller = controller
    yield handler
    controller.stop()


def local_config(port: int, **changes) -> SmtpConfig:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "username": "",
        "sender_name": 'Vennespleis, NTNU "Trondheim"',
        "sender_email": "spleis@example.no",
        "rate_per_minute": 600,
        "timeout": 5,
    }
    values.update(changes)
    return SmtpConfig(**values)


class FakeTime:
    """A clock that moves only when slept, so the rate limit costs no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def grouped(round_id: int) -> SimpleNamespace:
    return build_round(round_id)


def send(round_id: int, config: SmtpConfig, **options):
    fake = options.pop("fake", None) or FakeTime()
    return send_all(round_id, config, "", clock=fake.clock, sleep=fake.sleep, **options)


def statuses(round_id: int) -> dict[str, str]:
    return {row.email: row.status for row in send_log(round_id)}


# Sending to a real server.


def test_every_member_gets_one_message_of_their_own(grouped, server):
    report = send(grouped.round, local_config(server.controller.port))
    assert (report.sent, report.failed, report.skipped_already_sent) == (5, 0, 0)
    assert not report.dry_run
    assert len(server.received) == 5
    by_address = {}
    for item in server.received:
        assert len(item.rcpt_tos) == 1  # never a list of addresses
        assert item.mail_from == "spleis@example.no"
        assert "Bcc" not in item.message and "Cc" not in item.message
        by_address[item.rcpt_tos[0]] = item.message
    assert set(by_address) == MEMBERS

    kari = by_address["kari@example.no"]
    assert kari["To"].addresses[0].addr_spec == "kari@example.no"
    assert kari["Subject"] == "Gruppen din i Test round: Group A"
    assert kari["From"].addresses[0].display_name == 'Vennespleis, NTNU "Trondheim"'
    assert kari["Message-ID"].endswith("@example.no>")
    assert kari["Date"].datetime.tzinfo is not None
    text = body_of(kari)
    assert text.startswith("Hei Kari!")
    assert f"- {QUOTED_NAME} (ola@example.no)" in text
    assert f"- {SNEAKY_NAME} (sneaky@example.no)" in text
    assert "Lise Leder" in text and "lise@example.no, +47 900 11 222" in text
    assert "Bowling at Lerkendal" in text
    assert "Bjørn" not in text

    ola = by_address["ola@example.no"]
    to = ola["To"].addresses[0]
    assert (to.display_name, to.addr_spec) == (QUOTED_NAME, "ola@example.no")
    assert body_of(ola).startswith("Hi Ola,")
    assert "- Kari Nordmann (kari@example.no, +47 912 34 567)" in body_of(ola)

    bjorn = by_address["bjorn@example.no"]
    assert bjorn["Subject"] == "Your group in Test round: Gruppe Ø"
    assert "- Åse Ås (ase@example.no, +47 400 00 000)" in body_of(bjorn)
    assert body_of(by_address["sneaky@example.no"]).startswith("Hei {leader}!")

    assert statuses(grouped.round) == dict.fromkeys(MEMBERS, "sent")
    log = SentMessage.select().where(SentMessage.status == "sent")
    assert {row.message_id for row in log} == {m["Message-ID"] for m in by_address.values()}


def test_a_second_run_sends_nothing(grouped, server):
    config = local_config(server.controller.port)
    send(grouped.round, config)
    seen = []
    again = send(grouped.round, config, progress=lambda r, status, error: seen.append(status))
    assert (again.sent, again.failed, again.skipped_already_sent) == (0, 0, 5)
    assert seen == ["skipped"] * 5
    assert len(server.received) == 5
    assert all(recipient.already_sent for recipient in plan(grouped.round))


def test_a_refused_recipient_fails_alone_and_is_retried_next_time(grouped, server):
    config = local_config(server.controller.port)
    server.reject = {"bjorn@example.no"}
    seen = []
    report = send(grouped.round, config, progress=lambda r, s, e: seen.append((r.email, s, e)))
    assert (report.sent, report.failed) == (4, 1)
    assert report.failures == [("bjorn@example.no", "550 no such user")]
    assert ("bjorn@example.no", "failed", "550 no such user") in seen
    assert {item.rcpt_tos[0] for item in server.received} == MEMBERS - {"bjorn@example.no"}
    log = {row.email: row for row in send_log(grouped.round)}
    assert (log["bjorn@example.no"].status, log["bjorn@example.no"].error) == (
        "failed",
        "550 no such user",
    )
    assert log["bjorn@example.no"].group == "Gruppe Ø"

    server.reject = set()
    retry = send(grouped.round, config)
    assert (retry.sent, retry.failed, retry.skipped_already_sent) == (1, 0, 4)
    assert [item.rcpt_tos for item in server.received[4:]] == [["bjorn@example.no"]]
    assert statuses(grouped.round) == dict.fromkeys(MEMBERS, "sent")


def test_a_dropped_connection_is_opened_again_once(grouped, server):
    server.close_next_data = 1
    report = send(grouped.round, local_config(server.controller.port))
    assert (report.sent, report.failed) == (5, 0)
    assert {item.rcpt_tos[0] for item in server.received} == MEMBERS


def test_a_server_that_goes_away_fails_the_rest_with_the_reason(grouped):
    handler = Collector()
    controller = start_server(handler)
    running = [True]

    def stop_after_two(recipient, status, error):
        if len(handler.received) == 2 and running[0]:
            running[0] = False
            controller.stop()

    try:
        report = send(grouped.round, local_config(controller.port), progress=stop_after_two)
    finally:
        if running[0]:
            controller.stop()
    assert (report.sent, report.failed) == (2, 3)
    assert all("connection to the server was lost" in error for _email, error in report.failures)
    assert sorted(statuses(grouped.round).values()) == ["failed"] * 3 + ["sent"] * 2

    handler2 = Collector()
    restarted = start_server(handler2)
    try:
        retry = send(grouped.round, local_config(restarted.port))
    finally:
        restarted.stop()
    assert (retry.sent, retry.skipped_already_sent) == (3, 2)
    arrived = {item.rcpt_tos[0] for item in handler.received + handler2.received}
    assert arrived == MEMBERS


def test_the_rate_limit_spaces_the_messages(grouped, server):
    fake = FakeTime()
    send(grouped.round, local_config(server.controller.port, rate_per_minute=30), fake=fake)
    assert len(server.received) == 5
    assert sum(fake.sleeps) >= 4 * 2
    assert max(fake.sleeps) <= 1.0  # short naps, so a cancel is heard quickly


def test_the_rate_limit_holds_with_a_clock_that_does_not_move(grouped, server):
    sleeps: list[float] = []
    send_all(
        grouped.round,
        local_config(server.controller.port, rate_per_minute=60),
        "",
        clock=lambda: 100.0,
        sleep=sleeps.append,
    )
    assert sum(sleeps) == pytest.approx(4 * 1.0)


def test_cancelling_stops_before_the_next_message(grouped, server):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(server.received) >= 2

    report = send(grouped.round, local_config(server.controller.port), cancelled=cancelled)
    assert report.cancelled and report.sent == 2 and report.not_attempted == 3
    assert len(statuses(grouped.round)) == 2


def test_a_dry_run_sends_nothing_and_writes_no_log(grouped, server):
    def refuse_to_connect(config, password):
        raise AssertionError("a dry run connected")

    seen = []
    report = send(
        grouped.round,
        local_config(server.controller.port),
        dry_run=True,
        connect=refuse_to_connect,
        progress=lambda r, s, e: seen.append(s),
    )
    assert report.dry_run and (report.sent, report.failed) == (5, 0)
    assert seen == ["would_send"] * 5
    assert server.received == []
    assert SentMessage.select().count() == 0


def test_a_closed_round_sends_nothing(grouped, server):
    set_round_status(grouped.round, "closed")
    with pytest.raises(ValidationError, match="closed"):
        send(grouped.round, local_config(server.controller.port))
    assert server.received == []


def test_a_wrong_password_stops_before_anything_is_sent(grouped):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"kari" and auth_data.password == b"right"
        return AuthResult(success=ok, handled=False)  # handled: no answer

    handler = Collector()
    controller = start_server(handler, authenticator=authenticate, auth_require_tls=False)
    try:
        config = local_config(controller.port, username="kari")
        with pytest.raises(LoginFailed, match="did not accept"):
            send_all(grouped.round, config, "wrong", sleep=lambda s: None)
        assert SentMessage.select().count() == 0
        report = send_all(grouped.round, config, "right", sleep=lambda s: None)
        assert report.sent == 5 and len(handler.received) == 5
    finally:
        controller.stop()


def test_no_server_listening_is_a_clear_error(grouped):
    port = free_port()
    with pytest.raises(SpleisError, match=f"127.0.0.1:{port}"):
        send(grouped.round, local_config(port))
    assert SentMessage.select().count() == 0


def test_reset_log_allows_sending_again_on_purpose(grouped, server):
    config = local_config(server.controller.port)
    send(grouped.round, config)
    assert reset_log(grouped.round, ["KARI@example.no "]) == 1
    assert send(grouped.round, config).sent == 1
    assert reset_log(grouped.round) == 5
    assert send(grouped.round, config).sent == 5
    assert len(server.received) == 11


def test_a_member_moved_after_being_told_is_flagged(grouped, server):
    from spleis_tui.core.groups import move_member

    send(grouped.round, local_config(server.controller.port))
    move_member(grouped.kari, grouped.group_b)
    kari = next(r for r in plan(grouped.round) if r.signup_id == grouped.kari)
    assert kari.already_sent and kari.moved_since_sent


# TLS, with a certificate made for the test.


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    client_context = ssl.create_default_context(cafile=str(cert_file))
    return server_context, client_context


def test_starttls_upgrades_before_logging_in(grouped, certificate):
    server_context, client_context = certificate
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append(session.ssl is not None)
        return AuthResult(success=auth_data.password == b"secret", handled=False)

    handler = Collector()
    controller = start_server(
        handler, tls_context=server_context, require_starttls=True, authenticator=authenticate
    )
    try:
        config = local_config(controller.port, security="starttls", username="kari")
        report = send_all(
            grouped.round,
            config,
            "secret",
            sleep=lambda s: None,
            connect=lambda c, p: connect(c, p, tls_context=client_context),
        )
        assert report.sent == 5 and len(handler.received) == 5
        assert logins == [True]
        # Without trusting the certificate, the connection is refused: it is not verified.
        with pytest.raises(SpleisError, match="certificate"):
            connect(config, "secret")
    finally:
        controller.stop()


def test_ssl_connects_with_tls_from_the_start(grouped, certificate):
    server_context, client_context = certificate
    handler = Collector()
    controller = start_server(handler, ssl_context=server_context)
    try:
        config = local_config(controller.port, security="ssl")
        client = connect(config, "", tls_context=client_context)
        assert isinstance(client, smtplib.SMTP_SSL)
        client.send_message(build_message(("S", "s@example.no"), _member(), "Hei", "Hei"))
        client.quit()
        assert handler.received[0].rcpt_tos == ["kari@example.no"]
    finally:
        controller.stop()


def _member():
    return SimpleNamespace(name="Kari Nordmann", email="kari@example.no")


def test_plain_text_is_refused_for_a_server_elsewhere():
    config = local_config(25, host="smtp.example.no")
    with pytest.raises(SpleisError, match="localhost"):
        connect(config, "secret")


# Messages and drafts.


def test_a_message_header_cannot_be_split_by_a_line_break():
    message = build_message(
        ("Spleis", "spleis@example.no"),
        SimpleNamespace(name="Kari\r\nBcc: evil@example.no", email="kari@example.no"),
        "Hei\r\nBcc: evil@example.no",
        "Hei",
    )
    data = message.as_bytes(policy=policy.SMTP)
    parsed = parse(data)
    assert "Bcc" not in parsed
    assert parsed["Subject"] == "Hei Bcc: evil@example.no"
    assert len(parsed["To"].addresses) == 1


def test_an_address_that_cannot_be_sent_to_is_a_clear_error():
    with pytest.raises(ValidationError, match="not an address"):
        build_message(None, SimpleNamespace(name="X", email="a@"), "Hei", "Hei")


def test_drafts_are_one_private_file_per_member(grouped, tmp_path: Path):
    folder = tmp_path / "drafts" / "round"
    report = write_drafts(grouped.round, folder, sender=("Spleis", "spleis@example.no"))
    assert report.written == 5 and report.skipped_without_group == 1
    files = sorted(folder.iterdir())
    assert files == sorted(report.files) and len(files) == 5
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    to = set()
    for path in files:
        assert path.suffix == ".eml" and path.name.isascii()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        message = parse(path.read_bytes())
        assert message["X-Unsent"] == "1"
        assert message["From"].addresses[0].addr_spec == "spleis@example.no"
        to.add(message["To"].addresses[0].addr_spec)
        assert message["Subject"].startswith(("Gruppen din i Test round", "Your group in"))
    assert to == MEMBERS
    assert [p.name for p in files if "gruppe-o" in p.name] == [
        "gruppe-o-004-bjorn-berg.eml",
        "gruppe-o-005-ase-as.eml",
    ]
    # Again: the same files are replaced, nothing is added.
    write_drafts(grouped.round, folder)
    assert len(list(folder.iterdir())) == 5
    assert "From" not in parse(files[0].read_bytes())  # the mail program fills it in


def test_draft_file_names_are_safe_and_unique():
    names = draft_file_names(
        [("Gruppe Ø", "Åse Ås"), ("Gruppe O", "Åse Ås"), ("../../etc", "/passwd"), ("", "")]
    )
    assert names == [
        "gruppe-o-001-ase-as.eml",
        "gruppe-o-002-ase-as.eml",
        "etc-003-passwd.eml",
        "group-004-member.eml",
    ]
    assert len(set(names)) == len(names)
    assert all("/" not in name and "\\" not in name for name in names)


# Mail settings.


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mail.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[smtp]
host = "smtp.example.no"
port = 587
security = "starttls"
username = "kari@example.no"
sender_name = "Vennespleis"
sender_email = "kari@example.no"
"""


def test_the_mail_settings_are_read_from_the_file(tmp_path: Path):
    config = load_config(write_config(tmp_path, GOOD))
    assert config == SmtpConfig(
        "smtp.example.no", 587, "starttls", "kari@example.no", "Vennespleis", "kari@example.no"
    )
    assert (config.rate_per_minute, config.timeout) == (30, 30)


def test_the_settings_file_can_be_named_by_the_environment(tmp_path: Path, monkeypatch):
    path = write_config(tmp_path, GOOD.replace("port = 587\n", "").replace("starttls", "ssl"))
    monkeypatch.setenv("SPLEIS_MAIL_CONFIG", str(path))
    config = load_config()
    assert (config.security, config.port) == ("ssl", 465)


def test_the_template_is_a_valid_settings_file(tmp_path: Path):
    config = load_config(write_config(tmp_path, config_template()))
    assert config.security == "starttls" and config.rate_per_minute == 30


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("port = 587", 'port = "587"'), "smtp.port must be a number"),
        (("port = 587", "port = 0"), "smtp.port must be from 1 to 65535"),
        (('host = "smtp.example.no"\n', ""), "smtp.host is missing"),
        (('security = "starttls"', 'security = "tls"'), "smtp.security must be one of"),
        (('sender_email = "kari@example.no"', 'sender_email = "kari"'), "smtp.sender_email"),
        (("port = 587", "port = 587\nusrname = 'x'"), "smtp.usrname is not a setting"),
        (("port = 587", "port = 587\nrate_per_minute = true"), "smtp.rate_per_minute must be"),
        (("[smtp]", "[mail]"), "there is no [smtp] table"),
        (("port = 587", "port = "), "not valid TOML"),
        (('security = "starttls"', 'security = "none"'), "localhost"),
    ],
)
def test_a_bad_setting_is_named_with_the_file(tmp_path: Path, change, words):
    path = write_config(tmp_path, GOOD.replace(*change))
    with pytest.raises(SpleisError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert words in str(caught.value)


def test_a_password_in_the_file_is_refused(tmp_path: Path):
    path = write_config(tmp_path, GOOD + 'password = "hunter2"\n')
    with pytest.raises(SpleisError, match="keyring") as caught:
        load_config(path)
    assert "hunter2" not in str(caught.value)


def test_a_missing_file_says_which(tmp_path: Path):
    with pytest.raises(SpleisError, match="does not exist") as caught:
        load_config(tmp_path / "nowhere" / "mail.toml")
    assert str(tmp_path / "nowhere" / "mail.toml") in str(caught.value)


# The password.


CONFIG = SmtpConfig("smtp.example.no", 587, "starttls", "kari", "Spleis", "kari@example.no")


def test_the_password_comes_from_the_keyring(monkeypatch):
    asked = []
    monkeypatch.setattr(
        keyring,
        "get_password",
        lambda service, key: "s3cret" if key == "kari@smtp.example.no" else None,
    )
    assert get_password(CONFIG, ask=asked.append) == "s3cret"
    assert asked == []


@pytest.mark.parametrize("failure", [keyring.errors.NoKeyringError, keyring.errors.KeyringError])
def test_without_a_keyring_the_password_is_asked_for(monkeypatch, failure):
    def broken(service, key):
        raise failure("no backend")

    monkeypatch.setattr(keyring, "get_password", broken)
    prompts = []
    assert get_password(CONFIG, ask=lambda prompt: prompts.append(prompt) or "typed") == "typed"
    assert "kari" in prompts[0] and "smtp.example.no" in prompts[0]
    with pytest.raises(SpleisError, match="not in the system keyring"):
        get_password(CONFIG)


def test_a_password_not_stored_is_asked_for_and_can_be_stored(monkeypatch):
    stored = {}
    monkeypatch.setattr(keyring, "get_password", lambda service, key: stored.get((service, key)))
    monkeypatch.setattr(
        keyring, "set_password", lambda service, key, value: stored.update({(service, key): value})
    )
    assert get_password(CONFIG, ask=lambda prompt: "typed") == "typed"
    store_password(CONFIG, "typed")
    assert stored == {("spleis-smtp", "kari@smtp.example.no"): "typed"}
    assert get_password(CONFIG, ask=None) == "typed"
    with pytest.raises(SpleisError, match="No password"):
        get_password(smtp.SmtpConfig("h.no", 25, "ssl", "u", "", "u@h.no"), ask=lambda p: "")


def test_no_user_name_needs_no_password():
    config = local_config(25)
    assert get_password(config, ask=None) == ""


def test_connect_uses_the_secure_classes(monkeypatch):
    made = []

    class FakeSMTP:
        def __init__(self, host, port, timeout=None, context=None):
            made.append((type(self).__name__, host, port, context))

        def ehlo(self):
            pass

        def has_extn(self, name):
            return True

        def starttls(self, context=None):
            made.append(("starttls", context))

        def login(self, user, password):
            made.append(("login", user, password))

    class FakeSSL(FakeSMTP):
        pass

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSSL)
    connect(CONFIG, "pw")
    assert made[0][:3] == ("FakeSMTP", "smtp.example.no", 587)
    assert made[1][0] == "starttls" and isinstance(made[1][1], ssl.SSLContext)
    assert made[1][1].verify_mode == ssl.CERT_REQUIRED and made[1][1].check_hostname
    assert made[2] == ("login", "kari", "pw")
    made.clear()
    connect(SmtpConfig("smtp.example.no", 465, "ssl", "", "", "k@example.no"), "")
    assert made[0][0] == "FakeSSL" and isinstance(made[0][3], ssl.SSLContext)
    assert len(made) == 1  # no user name: no login
