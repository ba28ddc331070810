#!/usr/bin/env bash
# Runs pyupload with the action's inputs, as pypa/gh-action-pypi-publish
# names them. Used by action.yml; docs/github-actions.md has the table.
#
# Inputs arrive as environment variables (INPUT_*), never interpolated into
# shell code: a value is only ever one argument or one variable.
#   INPUT_PACKAGES_DIR (dist)  INPUT_REPOSITORY_URL  INPUT_USER  INPUT_PASSWORD
#   INPUT_SKIP_EXISTING  INPUT_VERIFY_METADATA (true)  INPUT_VERBOSE
#   INPUT_PRINT_HASH  INPUT_ATTESTATIONS (true)  INPUT_JOBS  INPUT_INSTALL_ONLY
set -euo pipefail

fail() { printf '::error title=pyupload::%s\n' "$*" >&2; exit 1; }

# flag reads a boolean input: true/false (yes/no, 1/0, on/off), or its default.
flag() { # name value default
	local v
	v=$(printf '%s' "${2:-$3}" | tr 'A-Z' 'a-z')
	case "$v" in
	true | yes | 1 | on) echo true ;;
	false | no | 0 | off) echo false ;;
	*) fail "input '$1' must be true or false, not '$2'" ;;
	esac
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | awk '{ print $1 }'; else shasum -a 256 "$1" | awk '{ print $1 }'; fi
}

# print_hashes shows each distribution's digests before the upload, as
# gh-action-pypi-publish's print-hash does.
print_hashes() { # dir
	local f
	echo "Hash values of the files to be uploaded:"
	for f in "$1"/*; do
		case "$f" in *.whl | *.tar.gz | *.zip) ;; *) continue ;; esac
		[ -f "$f" ] || continue
		echo "${f##*/}"
		echo "  SHA256: $(sha256 "$f")"
		if command -v md5sum >/dev/null 2>&1; then echo "  MD5: $(md5sum "$f" | awk '{ print $1 }')"; fi
		if command -v b2sum >/dev/null 2>&1; then echo "  BLAKE2-256: $(b2sum -l 256 "$f" | awk '{ print $1 }')"; fi
	done
}

main() {
	local dir skip verify verbose print attest
	if [ "$(flag install-only "${INPUT_INSTALL_ONLY:-}" false)" = true ]; then
		echo "install-only: pyupload is on PATH; nothing uploaded"
		return 0
	fi
	dir=${INPUT_PACKAGES_DIR:-dist}
	dir=${dir%/}
	[ -n "$dir" ] || dir=/
	skip=$(flag skip-existing "${INPUT_SKIP_EXISTING:-}" false)
	verify=$(flag verify-metadata "${INPUT_VERIFY_METADATA:-}" true)
	verbose=$(flag verbose "${INPUT_VERBOSE:-}" false)
	print=$(flag print-hash "${INPUT_PRINT_HASH:-}" false)
	attest=$(flag attestations "${INPUT_ATTESTATIONS:-}" true)
	[ -d "$dir" ] || fail "packages-dir '$dir' is not a directory: build your distributions into it first (or set packages-dir)"

	local -a args=()
	[ -z "${INPUT_REPOSITORY_URL:-}" ] || args+=(--repository-url "$INPUT_REPOSITORY_URL")
	[ "$skip" = false ] || args+=(--skip-existing)
	[ "$verbose" = false ] || args+=(--verbose)
	if [ -n "${INPUT_JOBS:-}" ]; then
		case "$INPUT_JOBS" in *[!0-9]* | 0*) fail "input 'jobs' must be a positive whole number, not '$INPUT_JOBS'" ;; esac
		args+=(--jobs "$INPUT_JOBS")
	fi

	# Credentials go through the environment, never the command line. The
	# inputs win over PYUPLOAD_* variables the job may have set.
	if [ -n "${INPUT_PASSWORD:-}" ]; then
		unset PYUPLOAD_USERNAME PYUPLOAD_PASSWORD
		export TWINE_PASSWORD="$INPUT_PASSWORD"
		export TWINE_USERNAME="${INPUT_USER:-__token__}"
	fi
	# attestations: true keeps pyupload's default (sign every dist under
	# Trusted Publishing from GitHub; nothing with an API token); false turns
	# signing off.
	if [ "$attest" = true ]; then
		unset PYUPLOAD_ATTESTATIONS
	else
		export PYUPLOAD_ATTESTATIONS=false
	fi

	[ "$print" = false ] || print_hashes "$dir"
	if [ "$verify" = true ]; then
		pyupload check -- "$dir"
	fi
	# ${args[@]+...}: bash 3.2 (macOS's /bin/bash) calls an empty array unbound under set -u.
	pyupload upload ${args[@]+"${args[@]}"} -- "$dir"
}

main "$@"
