"""Local copies of the CDN assets the report pages link, so they render offline.

Data Docs pages load Bootstrap, jQuery, bootstrap-table, Font Awesome, Vega and friends
from public CDNs, which these machines (and many analysts' laptops on a plane) cannot
reach. The same files are npm packages: `npm pack` fetches each pinned release once into
`.cache/report-assets/` (npm checks the registry's integrity hash), the files the pages use
are copied into the report's `assets/` folder, and every CDN URL in the generated HTML is
rewritten to its local copy. A URL we do not know is left as it is and reported, so a
great-expectations upgrade that adds one shows up in the browser test, not as a silent
half-styled page.

Elementary's report is one self-contained file except for its fonts (Geist and Geist Mono
from Google Fonts, served locally from the @fontsource-variable npm packages) and the
Ace editor it loads from jsDelivr to show a test's SQL (ace-builds, same release).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

from aurum.dbt_runner import PROJECT_DIR

CACHE = PROJECT_DIR / ".cache" / "report-assets"
# CDN URL → (npm package, exact version, file inside the package). jsDelivr's bare
# `npm/<pkg>@<major>` URLs serve the package's `jsdelivr` file; pinned here to one release.
CDN_FILES: dict[str, tuple[str, str, str]] = {
    "https://cdn.jsdelivr.net/npm/vega@5": ("vega", "5.33.1", "build/vega.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": ("vega-lite", "5.23.0", "build/vega-lite.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": (
        "vega-embed",
        "6.29.0",
        "build/vega-embed.min.js",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table",
        "1.19.1",
        "dist/bootstrap-table.min.css",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table",
        "1.19.1",
        "dist/bootstrap-table.min.js",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (
        "bootstrap-table",
        "1.19.1",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": (
        "bootstrap-table",
        "1.19.0",
        "dist/extensions/filter-control/bootstrap-table-filter-control.css",
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (
        "bootstrap-table",
        "1.19.0",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "@fortawesome/fontawesome-free",
        "6.6.0",
        "css/all.min.css",
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap",
        "4.3.1",
        "dist/css/bootstrap.min.css",
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap",
        "4.3.1",
        "dist/js/bootstrap.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker",
        "1.9.0",
        "dist/css/bootstrap-datepicker.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker",
        "1.9.0",
        "dist/js/bootstrap-datepicker.min.js",
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery", "3.7.1", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js",
        "1.12.9",
        "dist/umd/popper.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "@forevolve/bootstrap-dark",
        "1.1.0",
        "dist/css/bootstrap-prefers-dark.css",
    ),
}
# Files a copied stylesheet loads by relative path (Font Awesome's ../webfonts/).
COMPANION_DIRS = {("@fortawesome/fontawesome-free", "6.6.0"): ["webfonts"]}
ASSET_URL = re.compile(
    r"""(?:src|href)=["'](https://[^"']+\.(?:js|css)|https://cdn\.jsdelivr\.net/npm/[^"']+)["']"""
)


# The logo Data Docs load from great-expectations' own bucket (with the context id in the
# query string); the site's static/images/ holds the same pictures.
GX_IMAGE_URL = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/([\w.-]+)(?:\?[^\"')\s]*)?"
)


class AssetsError(RuntimeError):
    pass


def _package_dir(name: str, version: str) -> Path:
    return CACHE / f"{name.replace('/', '__')}-{version}"


def fetch(name: str, version: str) -> Path:
    """The unpacked release, fetched with `npm pack` the first time."""
    target = _package_dir(name, version)
    if (target / "package.json").is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    if shutil.which("npm") is None:
        raise AssetsError("npm is needed once to fetch the Data Docs assets (Debian: npm)")
    done = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--pack-destination", str(CACHE), "--silent"],
        capture_output=True,
        text=True,
        cwd=CACHE,
    )
    if done.returncode != 0:
        raise AssetsError(f"npm pack {name}@{version} failed: {done.stderr.strip()[-500:]}")
    tarball = CACHE / done.stdout.strip().splitlines()[-1]
    staging = target.with_suffix(".partial")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(staging, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    (staging / "package").rename(target)  # npm tarballs hold one folder, package/
    shutil.rmtree(staging)
    tarball.unlink()
    return target


def local_path(url: str) -> str:
    name, version, path = CDN_FILES[url]
    return f"{name.replace('/', '__')}-{version}/{path}"


def install(assets_dir: Path) -> None:
    """Copy every known asset (and its companion folders) into assets_dir."""
    for name, version, path in set(CDN_FILES.values()):
        source = fetch(name, version) / path
        destination = assets_dir / f"{name.replace('/', '__')}-{version}" / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    for (name, version), folders in COMPANION_DIRS.items():
        for folder in folders:
            root = f"{name.replace('/', '__')}-{version}"
            shutil.copytree(
                fetch(name, version) / folder, assets_dir / root / folder, dirs_exist_ok=True
            )


def localise(html_root: Path, assets_dir: Path) -> list[str]:
    """Rewrite known CDN URLs in every page under html_root; returns the unknown ones."""
    unknown: set[str] = set()
    for page in html_root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        relative = Path(os.path.relpath(assets_dir, page.parent))

        def swap(match: re.Match, relative: Path = relative) -> str:
            url = match.group(1)
            if url not in CDN_FILES:
                unknown.add(url)
                return match.group(0)
            return match.group(0).replace(url, f"{relative.as_posix()}/{local_path(url)}")

        images = Path(os.path.relpath(html_root / "static" / "images", page.parent)).as_posix()

        def logo(match: re.Match, images: str = images) -> str:
            name = match.group(1)
            packaged = (
                name if (html_root / "static" / "images" / name).is_file() else "logo-long.png"
            )
            return f"{images}/{packaged}"

        rewritten = GX_IMAGE_URL.sub(logo, ASSET_URL.sub(swap, text))
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    return sorted(unknown)


# Elementary's report (edr 0.25.1): what it loads from outside, and the npm releases that
# hold the same files.
ACE = ("ace-builds", "1.32.0")
ACE_URL = "https://cdn.jsdelivr.net/npm/ace-builds@1.32.0/src-noconflict/"
FONTS = {
    "Geist": ("@fontsource-variable/geist", "5.3.0", "geist"),
    "Geist Mono": ("@fontsource-variable/geist-mono", "5.3.0", "geist-mono"),
}
GOOGLE_FONTS_LINK = re.compile(
    r"""<link[^>]+href=["']https://fonts\.(?:googleapis|gstatic)\.com[^>]*>"""
)


def _fonts_css(assets_dir: Path) -> str:
    """@font-face rules naming the families Elementary's CSS asks for, from local files."""
    rules = []
    for family, (name, version, stem) in FONTS.items():
        folder = f"{name.replace('/', '__')}-{version}"
        for script in ("latin", "latin-ext"):
            for style in ("normal", "italic"):
                file = f"{stem}-{script}-wght-{style}.woff2"
                source = fetch(name, version) / "files" / file
                if not source.is_file():
                    continue
                (assets_dir / folder / "files").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, assets_dir / folder / "files" / file)
                rules.append(
                    f"@font-face {{ font-family: '{family}'; font-style: {style}; "
                    f"font-display: swap; font-weight: 100 900; "
                    f"src: url('{folder}/files/{file}') format('woff2-variations'); }}"
                )
    if not rules:
        raise AssetsError("the @fontsource packages hold none of the expected font files")
    return "\n".join(rules) + "\n"


def localise_elementary(page: Path, assets_dir: Path) -> list[str]:
    """Point Elementary's report at local fonts and Ace; returns outside URLs left in
    <link>/<script> tags (there should be none)."""
    text = page.read_text(encoding="utf-8")
    relative = Path(os.path.relpath(assets_dir, page.parent)).as_posix()
    ace_dir = assets_dir / f"{ACE[0]}-{ACE[1]}" / "src-noconflict"
    if not ace_dir.is_dir():
        shutil.copytree(fetch(*ACE) / "src-noconflict", ace_dir)
    (assets_dir / "elementary-fonts.css").write_text(_fonts_css(assets_dir))
    text = text.replace(ACE_URL, f"{relative}/{ACE[0]}-{ACE[1]}/src-noconflict/")
    text = GOOGLE_FONTS_LINK.sub("", text, count=0)
    text = text.replace(
        "</head>", f'<link rel="stylesheet" href="{relative}/elementary-fonts.css" />\n</head>', 1
    )
    page.write_text(text, encoding="utf-8")
    outside = re.findall(r"""<(?:link|script)[^>]+(?:href|src)=["'](https?://[^"']+)""", text)
    return sorted(set(outside))
