"""The documented production settings (deploy/khuyencong.env.example) pass Django's deploy
checks, every setting read from the environment is documented there, and the app server's
worker count follows the machine (deploy/gunicorn.conf.py)."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
EXAMPLE = ROOT / "deploy" / "khuyencong.env.example"
ENV_READ = re.compile(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"")
GUNICORN_READ = re.compile(r"(?:_int|environ\.get)\(\s*\"([A-Z0-9_]+)\"")


def documented_settings() -> dict[str, str]:
    """The uncommented KEY=value lines of the example: the production settings."""
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "TMPDIR"}
    }
    env.update(documented_settings())
    # What the example leaves to fill in, and folders of this machine instead of /var/lib.
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        KC_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="khuyencong.settings",
    )
    env.update(overrides)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    documented = documented_settings()
    assert documented["DEBUG"] == "0"
    assert documented["SECRET_KEY"] == "", "the example must not ship a usable secret key"
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_notice_a_weaker_setting(tmp_path):
    # The check above has teeth: cookies without Secure are a warning, which fails it.
    result = check_deploy(production_env(tmp_path, SECURE_COOKIES="0"))
    assert result.returncode == 1
    assert "security.W012" in result.stderr


def test_every_setting_read_from_the_environment_is_documented():
    example = EXAMPLE.read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    read = set(ENV_READ.findall((ROOT / "khuyencong" / "settings.py").read_text()))
    read |= set(GUNICORN_READ.findall((ROOT / "deploy" / "gunicorn.conf.py").read_text()))
    assert {"SECRET_KEY", "DATABASE_URL", "WEB_CONCURRENCY", "HSTS_PRELOAD"} <= read
    missing = sorted(read - documented)
    assert not missing, f"add these to deploy/khuyencong.env.example: {missing}"


def _gunicorn_config(monkeypatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_MAX_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_the_app_server_runs_two_workers_per_core_plus_one_at_most_the_cap(monkeypatch):
    config = _gunicorn_config(monkeypatch)
    workers = config["default_workers"]
    assert workers(cores=1, cap=8) == 3
    assert workers(cores=2, cap=8) == 5
    assert workers(cores=16, cap=8) == 8
    cores = len(os.sched_getaffinity(0))
    assert config["workers"] == min(2 * cores + 1, 8)
    assert config["worker_class"] == "gthread"
    assert config["wsgi_app"] == "khuyencong.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]


def test_the_app_server_takes_its_numbers_from_the_environment(monkeypatch):
    config = _gunicorn_config(
        monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4", GUNICORN_BIND="0.0.0.0:9000"
    )
    assert (config["workers"], config["threads"], config["bind"]) == (3, 4, ["0.0.0.0:9000"])
    assert _gunicorn_config(monkeypatch, GUNICORN_MAX_WORKERS="2")["workers"] == 2
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be an integer"):
        _gunicorn_config(monkeypatch, WEB_CONCURRENCY="many")


def test_make_serve_runs_the_production_script():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(
        r"^serve: \$\(STAMP\)\n\tHOST=\$\(HOST\) PORT=\$\(PORT\) deploy/serve.sh", makefile, re.M
    )
    script = (ROOT / "deploy" / "serve.sh").read_text()
    for step in ("migrate", "compile_translations", "collectstatic", "load_places"):
        assert f'"$PY" manage.py {step}' in script
    assert "db_worker" in script and "recover_jobs --every" in script
    assert "--config deploy/gunicorn.conf.py" in script
    assert os.access(ROOT / "deploy" / "serve.sh", os.X_OK)
    pins = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'"gunicorn==\d+\.\d+\.\d+"', pins)


def test_manage_sh_reads_the_settings_file_as_systemd_does(tmp_path):
    settings_file = tmp_path / "env"
    settings_file.write_text(
        "# the installation's settings\n"
        "\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        "DEBUG=0\n"
        "ALLOWED_HOSTS=from-the-file.example\n"
        'DEFAULT_FROM_EMAIL="Trung tâm Khuyến công <kc@example.gov.vn>"\n'
        "EMAIL_HOST=mail server.example\n"
        f"KC_VAR_DIR={tmp_path / 'var'}\n"
    )
    env = {
        "PATH": os.environ["PATH"],
        "KC_ENV_FILE": str(settings_file),
        "KC_PYTHON": sys.executable,
        "ALLOWED_HOSTS": "from-the-environment.example",  # the environment wins
    }
    show = "from django.conf import settings as s; print(s.DEFAULT_FROM_EMAIL, s.ALLOWED_HOSTS, s.EMAIL_HOST, s.DEBUG, sep='|')"
    result = subprocess.run(  # noqa: S603 - the project's own script
        [str(ROOT / "deploy" / "manage.sh"), "shell", "-c", show],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # (Django's shell first says which models it could not import by name.)
    assert result.stdout.strip().splitlines()[-1] == (
        "Trung tâm Khuyến công <kc@example.gov.vn>|['from-the-environment.example']"
        "|mail server.example|False"
    )
    settings_file.write_text("SECRET_KEY x\n")
    broken = subprocess.run(  # noqa: S603
        [str(ROOT / "deploy" / "manage.sh"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert broken.returncode == 2
    assert "not KEY=value: SECRET_KEY x" in broken.stderr


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_systemd_units_run_the_shipped_programs_with_the_settings_file():
    app = _unit("khuyencong-app.service")
    worker = _unit("khuyencong-worker@.service")
    recover = _unit("khuyencong-recover.service")
    timer = _unit("khuyencong-recover.timer")
    assert app["ExecStart"] == [
        "/opt/khuyencong/.venv/bin/gunicorn --config deploy/gunicorn.conf.py"
    ]
    assert (ROOT / "deploy" / "gunicorn.conf.py").exists()
    assert app["Type"] == ["notify"] and app["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert worker["ExecStart"][0].endswith("manage.py db_worker --no-reload --worker-id %H-%i")
    # A stopping worker finishes its job (SIGTERM to the worker alone, time to finish).
    assert worker["KillSignal"] == ["SIGTERM"] and worker["KillMode"] == ["mixed"]
    assert worker["TimeoutStopSec"] == ["15min"]
    assert recover["ExecStart"][0].endswith("manage.py recover_jobs")
    assert recover["Type"] == ["oneshot"] and timer["OnUnitActiveSec"] == ["1min"]
    rotated = (ROOT / "deploy" / "logrotate" / "khuyencong").read_text()
    assert "/var/log/khuyencong/*.log {" in rotated and "copytruncate" in rotated
    for unit in (app, worker, recover):
        assert unit["EnvironmentFile"] == ["/etc/khuyencong/env"]
        assert unit["WorkingDirectory"] == ["/opt/khuyencong"]
        assert unit["User"] == ["khuyencong"]
        assert re.fullmatch(r"append:/var/log/khuyencong/\w+\.log", unit["StandardOutput"][0])
        # Where the example puts uploads and static files, the app may write.
        assert unit["ReadWritePaths"] == ["/var/lib/khuyencong"]
    documented = documented_settings()
    assert documented["MEDIA_ROOT"].startswith("/var/lib/khuyencong/")
    assert documented["STATIC_ROOT"].startswith("/var/lib/khuyencong/")
    locations = (ROOT / "deploy" / "nginx" / "khuyencong-locations.conf").read_text()
    assert f"alias {documented['MEDIA_ROOT']}/;" in locations
    assert f"location {documented['MEDIA_ACCEL_REDIRECT']} {{\n    internal;" in locations


def test_the_compose_file_runs_the_same_programs():
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "setup", "app", "worker", "recover", "nginx"}
    assert services["app"]["command"] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert services["worker"]["stop_grace_period"] == "15m"
    assert services["recover"]["command"][:3] == ["python", "manage.py", "recover_jobs"]
    for step in ("migrate", "collectstatic", "load_places"):
        assert f"manage.py {step}" in services["setup"]["command"][-1]
    assert services["app"]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
    for mount in services["nginx"]["volumes"]:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / "deploy" / source).exists(), source
    assert services["app"]["environment"]["MEDIA_ACCEL_REDIRECT"] == "/_protected/"
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    assert 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"]' in dockerfile


def test_the_default_upload_folder_exists_from_the_start(tmp_path):
    """A fresh `make run` has no upload yet: the default MEDIA_ROOT is made with the settings, so
    /healthz/ can measure its disk (it answered 503 "disk" until the first upload); a MEDIA_ROOT
    the deployment sets is never made for it (an unmounted share is a fault to report)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "TMPDIR"}
    }
    env.update(KC_VAR_DIR=str(tmp_path / "var"), DEBUG="1", SECRET_KEY="x" * 50)
    code = "import django; django.setup(); from django.conf import settings; print(settings.MEDIA_ROOT)"
    env["DJANGO_SETTINGS_MODULE"] = "khuyencong.settings"
    run = subprocess.run(  # noqa: S603 - this interpreter, the project's settings
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert Path(run.stdout.strip()) == tmp_path / "var" / "media"
    assert (tmp_path / "var" / "media").is_dir()
    env["MEDIA_ROOT"] = str(tmp_path / "share" / "media")
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert not (tmp_path / "share").exists()
