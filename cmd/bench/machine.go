package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

var twineVersionRE = regexp.MustCompile(`^twine version \S+`)

// machine describes where the benchmark ran.
type machine struct {
	cpu, kernel, goVersion, twine, pyupload string
	cores                                   int
	// digestFlags are the CPU flags, of those pyupload's digest kernels
	// look for, that this machine has: which kernel ran decides B2's CPU.
	digestFlags []string
}

// kernelFlags are the /proc/cpuinfo flags internal/twohash's kernels need.
var kernelFlags = []string{"sha_ni", "avx", "avx512f", "avx512vl"}

func describe(ctx context.Context, cfg *config) machine {
	m := machine{cpu: "unknown", kernel: runtime.GOOS, goVersion: runtime.Version(), cores: runtime.NumCPU(), twine: "not installed"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			switch k = strings.TrimSpace(k); {
			case ok && k == "model name" && m.cpu == "unknown":
				m.cpu = strings.TrimSpace(v)
			case ok && k == "flags" && m.digestFlags == nil:
				m.digestFlags = presentFlags(strings.Fields(v))
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	}
	if cfg.twine != "" {
		// Rich wraps twine's line of plugin versions; the first words say it.
		m.twine = firstLine(ctx, cfg, cfg.twine, "--version")
		if v := twineVersionRE.FindString(m.twine); v != "" {
			m.twine = v
		}
	}
	m.pyupload = firstLine(ctx, cfg, cfg.pyupload, "--version")
	return m
}

// presentFlags are the kernelFlags among flags, in kernelFlags' order.
func presentFlags(flags []string) []string {
	present := []string{}
	for _, f := range kernelFlags {
		if slices.Contains(flags, f) {
			present = append(present, f)
		}
	}
	return present
}

// firstLine is the first line a command prints, or "unknown".
func firstLine(ctx context.Context, cfg *config, argv ...string) string {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...) // #nosec G204 G702 -- the clients under test
	cmd.Env = cfg.env
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
	return strings.TrimSpace(line)
}
