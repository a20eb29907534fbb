"""deploy/nginx.conf as nginx reads it: the nginx of the servers it is written for (Debian
12 ships 1.22) accepts every directive in it."""

import shutil
import subprocess
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
CERTIFICATE = "/etc/ssl/backoffice/fullchain.pem"
KEY = "/etc/ssl/backoffice/privkey.pem"


def nginx_binary() -> str:
    """Return the nginx to run; skip where nginx or openssl is missing."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists() or not shutil.which("openssl"):
        # Skipped even in CI: a deployment's web server, not a part the tests run on.
        pytest.skip("nginx or openssl is not installed (apt-get install nginx-light openssl)")
    return nginx


def site_config(folder: Path, site: str | None = None) -> Path:
    """Write the site as the config's comments say to install it, with a certificate of
    its own, into folder; return the main config to give nginx. site: the config's text
    changed for the test (deploy/nginx.conf unless given)."""
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=backoffice.example.gov.cn", "-keyout", str(key),
                    "-out", str(certificate)], check=True, capture_output=True)
    site = CONFIG.read_text(encoding="utf-8") if site is None else site
    assert CERTIFICATE in site and KEY in site
    (folder / "site.conf").write_text(
        site.replace(CERTIFICATE, str(certificate)).replace(KEY, str(key)), encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {folder}/site.conf;\n}}\n", encoding="utf-8")
    return main


def test_the_nginx_config_passes_nginxs_own_check(tmp_path: Path) -> None:
    nginx = nginx_binary()
    main = site_config(tmp_path)
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
