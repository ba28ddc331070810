package wheel_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/pyoracle"
	"github.com/pyupload/pyupload/internal/wheel"
	"github.com/pyupload/pyupload/pkg/dist"
)

var epoch = time.Unix(1700000000, 0).UTC()

// fakeBinary stands for an executable: the packaging does not depend on
// what the binary is, and a real one is built by cmd/mkwheel's tests.
func fakeBinary(t wheel.Target) []byte {
	var b bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&b, "%s %d\n", t, i*i)
	}
	return b.Bytes()
}

func write(tb testing.TB, s wheel.Spec) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := wheel.Write(&buf, s); err != nil {
		tb.Fatalf("Write(%s) = %v", s.Target, err)
	}
	return buf.Bytes()
}

func spec(t wheel.Target) wheel.Spec {
	return wheel.Spec{Target: t, Version: "1.2.0", License: "LicenseRef-Proprietary", Binary: fakeBinary(t), Modified: epoch}
}

func readMember(tb testing.TB, f *zip.File) []byte {
	tb.Helper()
	rc, err := f.Open()
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	data, err := io.ReadAll(rc) // also checks the CRC-32
	if err != nil {
		tb.Fatalf("%s: %v", f.Name, err)
	}
	return data
}

// TestMembers: the members, their order, modes, methods and timestamps,
// and that no local header or central record has the data-descriptor flag.
func TestMembers(t *testing.T) {
	t.Parallel()
	for _, target := range []wheel.Target{wheel.Targets[0], wheel.Targets[len(wheel.Targets)-1]} {
		data := write(t, spec(target))
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			if f.Flags&0x8 != 0 {
				t.Errorf("%s: central record has the data-descriptor flag", f.Name)
			}
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			local := data[off-30-int64(len(f.Name)) : off]
			if sig := binary.LittleEndian.Uint32(local); sig != 0x04034b50 {
				t.Fatalf("%s: no local header at the record's offset", f.Name)
			}
			if flags := binary.LittleEndian.Uint16(local[6:]); flags != 0 {
				t.Errorf("%s: local header flags %#x, want 0", f.Name, flags)
			}
			if f.Method != zip.Deflate && f.Method != zip.Store {
				t.Errorf("%s: method %d", f.Name, f.Method)
			}
			if got := f.Modified.UTC(); !got.Equal(time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)) {
				t.Errorf("%s: modified %v", f.Name, got)
			}
			wantMode := os.FileMode(0o644)
			if strings.Contains(f.Name, ".data/scripts/") {
				wantMode = 0o755
			}
			if f.Mode() != wantMode || f.ExternalAttrs>>16&0o170000 != 0o100000 || f.CreatorVersion>>8 != 3 {
				t.Errorf("%s: mode %v, external %#o, creator %d; want %v, a regular file, Unix", f.Name, f.Mode(), f.ExternalAttrs>>16, f.CreatorVersion>>8, wantMode)
			}
		}
		want := []string{
			"pyupload-1.2.0.data/scripts/" + target.Script(),
			"pyupload-1.2.0.dist-info/METADATA",
			"pyupload-1.2.0.dist-info/WHEEL",
			"pyupload-1.2.0.dist-info/RECORD",
		}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("%s: members (-want +got):\n%s", target, diff)
		}
	}
}

// TestRecord: RECORD lists every other member with its sha256 (urlsafe
// base64, unpadded) and size, and itself with empty fields.
func TestRecord(t *testing.T) {
	t.Parallel()
	data := write(t, spec(wheel.Targets[0]))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	var record string
	for _, f := range zr.File {
		body := readMember(t, f)
		if strings.HasSuffix(f.Name, "/RECORD") {
			record = string(body)
			want = append(want, f.Name+",,")
			continue
		}
		sum := sha256.Sum256(body)
		want = append(want, f.Name+",sha256="+base64.RawURLEncoding.EncodeToString(sum[:])+","+strconv.Itoa(len(body)))
	}
	if diff := cmp.Diff(strings.Join(want, "\n")+"\n", record); diff != "" {
		t.Errorf("RECORD (-want +got):\n%s", diff)
	}
}

func TestReproducible(t *testing.T) {
	t.Parallel()
	s := spec(wheel.Targets[1])
	a, b := write(t, s), write(t, s)
	if !bytes.Equal(a, b) {
		t.Error("two wheels from the same spec differ")
	}
	s.Modified = epoch.Add(time.Hour)
	if bytes.Equal(a, write(t, s)) {
		t.Error("another timestamp gave the same bytes")
	}
}

// TestMetadataAndCheck: every target's wheel, as pkg/dist reads it (as
// `pyupload check` does), has the metadata fields and no problem at all.
func TestMetadataAndCheck(t *testing.T) {
	t.Parallel()
	for _, target := range wheel.Targets {
		data := write(t, spec(target))
		name := wheel.Filename("1.2.0", target)
		d, err := dist.Read(bytes.NewReader(data), int64(len(data)), name)
		if err != nil {
			t.Fatalf("dist.Read(%s) = %v", name, err)
		}
		if probs := dist.Check(d); len(probs) != 0 {
			t.Errorf("dist.Check(%s) = %v, want no problem", name, probs)
		}
		m := d.Metadata
		got := []string{m.MetadataVersion, m.Name, m.Version, m.Summary, m.LicenseExpression, m.RequiresPython, m.DescriptionContentType}
		want := []string{"2.4", "pyupload", "1.2.0", wheel.Summary, "LicenseRef-Proprietary", wheel.RequiresPython, "text/markdown"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: metadata (-want +got):\n%s", name, diff)
		}
		if len(m.ProjectURLs) != len(wheel.ProjectURLs) || !strings.HasPrefix(m.Description, "# pyupload\n") {
			t.Errorf("%s: Project-URL %q, description %.40q", name, m.ProjectURLs, m.Description)
		}
		if f := d.Filename; f.Kind != dist.Wheel || f.PythonTag() != "py3" {
			t.Errorf("%s: parsed as %+v", name, f)
		}
	}
}

func TestTargets(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, target := range wheel.Targets {
		if seen[target.String()] {
			t.Errorf("%s listed twice", target)
		}
		seen[target.String()] = true
		for p := range strings.SplitSeq(target.Platform, ".") {
			if !dist.ValidPlatformTag(p) {
				t.Errorf("%s: the index refuses platform tag %q", target, p)
			}
		}
	}
	for _, want := range []string{"linux/amd64", "linux/arm64", "linux/386", "linux/arm", "linux/ppc64le", "linux/s390x", "linux/riscv64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"} {
		if !seen[want] {
			t.Errorf("no target %s", want)
		}
	}
	if got, err := wheel.ParseTargets(" linux/amd64,windows/arm64"); err != nil || len(got) != 2 || got[1].Platform != "win_arm64" {
		t.Errorf("ParseTargets = %v, %v", got, err)
	}
	if _, err := wheel.ParseTargets("plan9/amd64"); err == nil {
		t.Error("ParseTargets(plan9/amd64) = nil error")
	}
}

func TestCheckVersion(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{
		"1.2.0": true, "0.1.0rc1": true, "2.0.0.post1": true, "1.0.0.dev3": true,
		"": false, "v1.2.0": false, "1.2.0-rc1": false, "1.2.0+local": false, "ccd186e-dirty": false,
	} {
		if err := wheel.CheckVersion(v); (err == nil) != ok {
			t.Errorf("CheckVersion(%q) = %v, want ok %v", v, err, ok)
		}
	}
	if err := wheel.Write(io.Discard, wheel.Spec{Target: wheel.Targets[0], Version: "1.0", License: "MIT"}); err == nil {
		t.Error("Write with no binary = nil error")
	}
}

func TestSourceDate(t *testing.T) {
	t.Parallel()
	if got, err := wheel.SourceDate("1700000000\n"); err != nil || !got.Equal(epoch) {
		t.Errorf("SourceDate = %v, %v", got, err)
	}
	for _, bad := range []string{"", "-1", "yesterday"} {
		if _, err := wheel.SourceDate(bad); err == nil {
			t.Errorf("SourceDate(%q) = nil error", bad)
		}
	}
	// Before 1980, which a ZIP cannot say, is 1980-01-01.
	s := spec(wheel.Targets[0])
	s.Modified = time.Unix(0, 0)
	data := write(t, s)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := zr.File[0].Modified; got.Year() != 1980 || got.YearDay() != 1 {
		t.Errorf("epoch 0 written as %v, want 1980-01-01", got)
	}
}

// pythonJudge is run by Debian's python3: packaging parses each file name,
// the email parser reads METADATA, zipfile reads every member (checking
// CRCs), and RECORD is verified as pip verifies it. It also says which
// of the wheels this machine's pip would install (packaging.tags.sys_tags).
const pythonJudge = `
import base64, csv, email.parser, hashlib, io, json, sys, zipfile
from packaging.utils import parse_wheel_filename
from packaging.tags import sys_tags
mine = set(sys_tags())
out = []
for path in json.load(sys.stdin):
    fn = path.rsplit("/", 1)[-1]
    name, version, build, tags = parse_wheel_filename(fn)
    z = zipfile.ZipFile(path)
    bad = z.testzip()
    infos = {i.filename: i for i in z.infolist()}
    di = "%s-%s.dist-info/" % (name, version)
    meta = email.parser.BytesParser().parsebytes(z.read(di + "METADATA"))
    wheel = email.parser.BytesParser().parsebytes(z.read(di + "WHEEL"))
    record_ok = True
    for row in csv.reader(io.StringIO(z.read(di + "RECORD").decode())):
        if row[0] == di + "RECORD":
            record_ok &= row[1:] == ["", ""]
            continue
        data = z.read(row[0])
        digest = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_ok &= row[1] == digest and row[2] == str(len(data))
    out.append({
        "name": str(name), "version": str(version), "build": list(build),
        "tags": sorted(str(t) for t in tags),
        "installable_here": bool(tags & mine),
        "bad_member": bad,
        "flags": sorted(set(i.flag_bits for i in infos.values())),
        "script_mode": [oct(i.external_attr >> 16) for n, i in infos.items() if "/scripts/" in n],
        "metadata": {k: meta.get_all(k) for k in ["Metadata-Version", "Name", "Version", "License-Expression", "Requires-Python", "Description-Content-Type", "Project-URL"]},
        "description_start": meta.get_payload()[:11],
        "wheel_tags": wheel.get_all("Tag"), "root_is_purelib": wheel["Root-Is-Purelib"],
        "record_ok": record_ok,
    })
json.dump(out, sys.stdout)
`

type judged struct {
	Name             string              `json:"name"`
	Version          string              `json:"version"`
	Build            []any               `json:"build"`
	Tags             []string            `json:"tags"`
	InstallableHere  bool                `json:"installable_here"`
	BadMember        *string             `json:"bad_member"`
	Flags            []int               `json:"flags"`
	ScriptMode       []string            `json:"script_mode"`
	Metadata         map[string][]string `json:"metadata"`
	DescriptionStart string              `json:"description_start"`
	WheelTags        []string            `json:"wheel_tags"`
	RootIsPurelib    string              `json:"root_is_purelib"`
	RecordOK         bool                `json:"record_ok"`
}

// TestPython: Python's packaging, email parser and zipfile read every
// target's wheel as the writer meant it (skipped outside CI without
// Debian's python3-packaging).
func TestPython(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var paths []string
	for _, target := range wheel.Targets {
		p := filepath.Join(dir, wheel.Filename("1.2.0", target))
		if err := os.WriteFile(p, write(t, spec(target)), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var got []judged
	pyoracle.JSON(t, pythonJudge, paths, &got)
	if len(got) != len(wheel.Targets) {
		t.Fatalf("python judged %d wheels, want %d", len(got), len(wheel.Targets))
	}
	installable := 0
	for i, target := range wheel.Targets {
		j := got[i]
		wantTags := slices.Sorted(slices.Values(target.Tags()))
		if j.Name != "pyupload" || j.Version != "1.2.0" || len(j.Build) != 0 || !slices.Equal(j.Tags, wantTags) {
			t.Errorf("%s: parse_wheel_filename = %s %s %v %v, want pyupload 1.2.0 () %v", target, j.Name, j.Version, j.Build, j.Tags, wantTags)
		}
		if j.BadMember != nil || !slices.Equal(j.Flags, []int{0}) || !j.RecordOK {
			t.Errorf("%s: zipfile: bad member %v, flags %v, RECORD verified %v", target, j.BadMember, j.Flags, j.RecordOK)
		}
		if !slices.Equal(j.ScriptMode, []string{"0o100755"}) {
			t.Errorf("%s: script mode %v, want 0o100755", target, j.ScriptMode)
		}
		wantMeta := map[string][]string{
			"Metadata-Version": {"2.4"}, "Name": {"pyupload"}, "Version": {"1.2.0"},
			"License-Expression": {"LicenseRef-Proprietary"}, "Requires-Python": {wheel.RequiresPython},
			"Description-Content-Type": {"text/markdown"},
		}
		for _, u := range wheel.ProjectURLs {
			wantMeta["Project-URL"] = append(wantMeta["Project-URL"], u[0]+", "+u[1])
		}
		if diff := cmp.Diff(wantMeta, j.Metadata); diff != "" || j.DescriptionStart != "# pyupload\n" {
			t.Errorf("%s: email parser: METADATA (-want +got):\n%s\nbody starts %q", target, diff, j.DescriptionStart)
		}
		if !slices.Equal(j.WheelTags, target.Tags()) || j.RootIsPurelib != "false" {
			t.Errorf("%s: WHEEL Tag %v, Root-Is-Purelib %q", target, j.WheelTags, j.RootIsPurelib)
		}
		if j.InstallableHere {
			installable++
		}
	}
	// This machine (CI: Debian on x86-64 or aarch64) takes exactly one.
	if installable != 1 {
		t.Errorf("packaging.tags.sys_tags() matches %d of the wheels, want 1", installable)
	}
}
