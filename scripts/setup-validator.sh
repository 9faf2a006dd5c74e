#!/bin/sh
# Install 1EdTech's Open Badges 2.0 validator core (PyPI "openbadges") in its own virtualenv,
# apart from Vitrine's: it pins old libraries that would break ours.
#
#   scripts/setup-validator.sh [VENV]        (default: .venv-validator at the repository root)
#
# Python 3.11 needs two departures from its pins: pycryptodome 3.6.6 does not import there (a
# newer one does), and python-jose must stay at 3.0.1 (later versions break its signed-badge
# checks). So the package is installed without its dependencies, which are then listed here.
# Idempotent: does nothing when the virtualenv already imports the validator.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-$here/.venv-validator}
python=${PYTHON:-python3}

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import openbadges.verifier, openbadges_bakery" 2>/dev/null; then
    exit 0
fi
"$python" -m venv "$venv"
pip="$venv/bin/python -m pip --disable-pip-version-check --quiet"
$pip install "setuptools<70" wheel
$pip install --no-deps "openbadges==1.1.2"
$pip install \
    "aniso8601>=1.2.0" "Click==6.7" "future==0.16.0" "jsonschema==2.6.0" "language-tags==0.4.3" \
    "openbadges-bakery>=1.1.0" "pycryptodome>=3.19,<4" "pydux==0.2.2" "PyLD==0.7.1" \
    "python-jose==3.0.1" "python-mimeparse==1.6.0" "pytz==2017.2" "requests>=2.13,<3" \
    "requests-cache==0.4.13" "rfc3986==0.4.1" "validators==0.11.2"
# python-jose 3.0.1 and requests-cache 0.4.13 import Mapping & co. from `collections`, which
# Python 3.10 removed: a .pth file (run at start-up) puts the aliases back, in this venv only.
site=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
echo 'import collections, collections.abc; collections.Mapping = collections.abc.Mapping; collections.MutableMapping = collections.abc.MutableMapping; collections.Iterable = collections.abc.Iterable; collections.Sequence = collections.abc.Sequence; collections.Callable = collections.abc.Callable' > "$site/vitrine_collections_compat.pth"
"$venv/bin/python" -c "import openbadges.verifier, openbadges_bakery"
