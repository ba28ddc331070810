package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// SumsFile is the name of the checksum file written next to the archives.
const SumsFile = "SHA256SUMS"

// Options say what [Build] builds and where.
type Options struct {
	// Version is written into the binary (main.version) and the archive
	// names. It is required.
	Version string
	// Epoch is the modification time of every archive entry (the source
	// date epoch).
	Epoch time.Time
	// Dir is the module's root, where LICENSE and README.md are looked
	// for. The default is the current directory.
	Dir string
	// Out is the directory the archives and SHA256SUMS are written to; it
	// is created. It is required.
	Out string
	// Targets are the platforms to build. The default is [Targets].
	Targets []Target
	// Go is the go command. The default is "go".
	Go string
	// Env is added to the environment of each go build (after the
	// caller's, before the target's), e.g. GOCACHE. The default is none.
	Env []string
	// Log, when set, receives one line per target built.
	Log io.Writer
}

// versionRE keeps a version usable in a file name.
var versionRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+_-]*$`)

// extras are copied into each archive when the module has them.
var extras = []string{"LICENSE", "README.md"}

// Build cross-compiles pyupload for each target, packs each binary into
// its archive in o.Out and writes SHA256SUMS. It returns the archive
// names, sorted.
func Build(ctx context.Context, o Options) ([]string, error) {
	if !versionRE.MatchString(o.Version) {
		return nil, fmt.Errorf("release: version %q is not usable in a file name", o.Version)
	}
	if o.Out == "" {
		return nil, errors.New("release: no output directory")
	}
	o = o.withDefaults()
	docs, err := readExtras(o.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil { // #nosec G301 -- release artefacts are public
		return nil, err
	}
	tmp, err := os.MkdirTemp(o.Out, ".build-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	sums := map[string]string{}
	for _, t := range o.Targets {
		start := time.Now()
		name, sum, err := buildOne(ctx, o, t, tmp, docs)
		if err != nil {
			return nil, fmt.Errorf("building %s: %w", t, err)
		}
		sums[name] = sum
		if o.Log != nil {
			_, _ = fmt.Fprintf(o.Log, "%s  %s (%.1fs)\n", name, sum[:12], time.Since(start).Seconds())
		}
	}
	return writeSums(o.Out, sums)
}

func (o Options) withDefaults() Options {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Go == "" {
		o.Go = "go"
	}
	if len(o.Targets) == 0 {
		o.Targets = Targets
	}
	return o
}

// readExtras reads LICENSE and README.md from dir, skipping missing ones.
func readExtras(dir string) ([]member, error) {
	var ms []member
	for _, name := range extras {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ms = append(ms, member{name: name, mode: 0o644, data: data})
	}
	return ms, nil
}

// GoBuildArgs are the arguments of go build for a release binary of
// version written to out.
func GoBuildArgs(version, out string) []string {
	return []string{"build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid= -X main.version=" + version,
		"-o", out, "./cmd/pyupload"}
}

// buildOne builds t's binary in tmp and writes its archive to o.Out,
// returning the archive's name and SHA-256.
func buildOne(ctx context.Context, o Options, t Target, tmp string, docs []member) (string, string, error) {
	bin := filepath.Join(tmp, t.OS+"_"+t.Arch, t.BinaryName())
	cmd := exec.CommandContext(ctx, o.Go, GoBuildArgs(o.Version, bin)...) // #nosec G204 -- the go command the caller chose
	cmd.Dir = o.Dir
	cmd.Env = slices.Concat(cmd.Environ(), o.Env, t.env())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("go build: %w\n%s", err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", "", err
	}
	ms := append([]member{{name: t.BinaryName(), mode: 0o755, data: data}}, docs...)
	var buf bytes.Buffer
	if t.OS == "windows" {
		err = writeZip(&buf, ms, o.Epoch)
	} else {
		err = writeTarGz(&buf, ms, o.Epoch)
	}
	if err != nil {
		return "", "", err
	}
	name := ArchiveName(o.Version, t)
	if err := os.WriteFile(filepath.Join(o.Out, name), buf.Bytes(), 0o644); err != nil { //nolint:gosec // G306: release archives are public
		return "", "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	return name, hex.EncodeToString(sum[:]), nil
}

// writeSums writes SHA256SUMS ("<sha256>  <name>" lines, sorted by name)
// and returns the names.
func writeSums(out string, sums map[string]string) ([]string, error) {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	if err := os.WriteFile(filepath.Join(out, SumsFile), []byte(b.String()), 0o644); err != nil { //nolint:gosec // G306: the checksums are public
		return nil, err
	}
	return names, nil
}
