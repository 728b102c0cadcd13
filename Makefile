# `make lock` regenerates both lock files from requirements.in and requirements-dev.in with uv
# (installed by requirements-dev.txt). Versions already in the lock are kept; to move a package
# forward, edit its line in the lock away (or run `make upgrade-lock` for everything).
UV_COMPILE = uv pip compile --quiet --universal --python-version 3.11

.PHONY: lock upgrade-lock
lock:
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

upgrade-lock:
	$(UV_COMPILE) --upgrade requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in --upgrade -o requirements-dev.txt
