#!/usr/bin/env bash
# Installs the pyupload release binary for this runner, verified against the
# SHA-256 digests pinned in action/checksums.txt (or the one the caller gives),
# and puts it on the job's PATH. Used by action.yml; docs/github-actions.md.
#
# Inputs (environment only, never interpolated into this script):
#   PYUPLOAD_VERSION       release to install, x.y.z (default: action/VERSION)
#   PYUPLOAD_SHA256        the archive's digest, for a version not pinned here
#   PYUPLOAD_DOWNLOAD_URL  base URL of the release downloads (tests, mirrors);
#                          the archive is $PYUPLOAD_DOWNLOAD_URL/v<version>/<archive>
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT: the runner's
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
default_url=https://github.com/pyupload/pyupload/releases/download

fail() { printf '::error title=pyupload install::%s\n' "$*" >&2; exit 1; }

# platform maps the runner's OS and architecture to the release's names.
platform() {
	case "${RUNNER_OS:-}" in
	Linux) os=linux ;;
	macOS) os=darwin ;;
	Windows) os=windows ;;
	*) fail "unsupported runner OS '${RUNNER_OS:-}' (pyupload's action supports Linux, macOS and Windows)" ;;
	esac
	case "${RUNNER_ARCH:-}" in
	X64) arch=amd64 ;;
	ARM64) arch=arm64 ;;
	X86) arch=386 ;;
	ARM) arch=arm ;;
	*) fail "unsupported runner architecture '${RUNNER_ARCH:-}' (supported: X64, ARM64, X86, ARM)" ;;
	esac
	ext=tar.gz exe=pyupload
	if [ "$os" = windows ]; then ext=zip exe=pyupload.exe; fi
}

# pinned prints the digest action/checksums.txt pins for an archive name.
pinned() {
	[ -f "$here/checksums.txt" ] || return 0
	awk -v name="$1" '$1 !~ /^#/ && NF == 2 && ($2 == name || $2 == "*" name) { print tolower($1); exit }' "$here/checksums.txt"
}

download() { # url file
	if command -v curl >/dev/null 2>&1; then
		curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
	elif command -v wget >/dev/null 2>&1; then
		wget --quiet --tries=3 --output-document="$2" "$1"
	else
		fail "neither curl nor wget is installed"
	fi
}

sha256() { # file
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | awk '{ print $1 }'
	elif command -v shasum >/dev/null 2>&1; then
		shasum -a 256 "$1" | awk '{ print $1 }'
	else
		fail "neither sha256sum nor shasum is installed"
	fi
}

extract() { # archive dir
	if [ "$ext" = zip ]; then
		if command -v unzip >/dev/null 2>&1; then
			unzip -q -o "$1" "$exe" -d "$2"
		else
			python3 -m zipfile -e "$1" "$2"
		fi
	else
		tar -xzf "$1" -C "$2" "$exe"
	fi
}

main() {
	platform
	version=${PYUPLOAD_VERSION:-}
	if [ -z "$version" ] && [ -f "$here/VERSION" ]; then
		version=$(tr -d ' \r\n' <"$here/VERSION")
	fi
	version=${version#v}
	[ -n "$version" ] || fail "no version given and none pinned in this action: set the 'version' and 'sha256' inputs"
	case "$version" in
	*[!0-9A-Za-z.+-]*) fail "version '$version' is not a release version (x.y.z)" ;;
	esac
	archive="pyupload_${version}_${os}_${arch}.${ext}"

	want=$(printf '%s' "${PYUPLOAD_SHA256:-}" | tr 'A-F' 'a-f' | tr -d ' \r\n')
	if [ -z "$want" ]; then
		want=$(pinned "$archive")
		[ -n "$want" ] || fail "no SHA-256 pinned in this action for $archive (pyupload $version for $RUNNER_OS $RUNNER_ARCH): use a version this action pins, or pass the archive's digest (from the release's SHA256SUMS) as the 'sha256' input"
	fi
	case "$want" in
	*[!0-9a-f]*) fail "the sha256 '$want' is not 64 hexadecimal digits" ;;
	esac
	[ "${#want}" -eq 64 ] || fail "the sha256 '$want' is not 64 hexadecimal digits"

	tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
	dir="$tmp/pyupload-$version-$os-$arch"
	rm -rf "$dir"
	mkdir -p "$dir/bin"
	base=${PYUPLOAD_DOWNLOAD_URL:-$default_url}
	url="${base%/}/v$version/$archive"
	echo "Downloading $url"
	download "$url" "$dir/$archive" || fail "downloading $url failed"

	got=$(sha256 "$dir/$archive")
	if [ "$got" != "$want" ]; then
		rm -f "$dir/$archive"
		fail "SHA-256 mismatch for $archive: got $got, want $want; the download was refused and nothing was installed"
	fi
	echo "Verified $archive: sha256 $got"

	extract "$dir/$archive" "$dir/bin" || fail "extracting $exe from $archive failed"
	rm -f "$dir/$archive"
	[ -f "$dir/bin/$exe" ] || fail "$archive holds no $exe"
	chmod +x "$dir/bin/$exe"
	"$dir/bin/$exe" --version || fail "the installed $exe does not run on this runner"

	bindir="$dir/bin"
	if [ "$os" = windows ] && command -v cygpath >/dev/null 2>&1; then
		bindir=$(cygpath -w "$bindir")
	fi
	if [ -n "${GITHUB_PATH:-}" ]; then
		printf '%s\n' "$bindir" >>"$GITHUB_PATH"
	fi
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf 'path=%s\nversion=%s\n' "$bindir" "$version" >>"$GITHUB_OUTPUT"
	fi
	echo "Installed pyupload $version in $bindir"
}

main "$@"
