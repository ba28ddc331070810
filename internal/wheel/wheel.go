package wheel

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Name is the distribution's name, on the index and in every file name.
const Name = "pyupload"

// Spec is what one wheel holds.
type Spec struct {
	Target  Target
	Version string // a PEP 440 version in normal form, without a local part
	// License is the License-Expression (SPDX, or LicenseRef-…).
	License string
	Binary  []byte // the executable for Target
	// Modified is every member's timestamp (the source date epoch); times
	// before 1980, which a ZIP cannot hold, are written as 1980-01-01.
	Modified time.Time
}

// Filename is the wheel's file name:
// pyupload-<version>-py3-none-<platform tags>.whl.
func Filename(version string, t Target) string {
	return Name + "-" + version + "-py3-none-" + t.Platform + ".whl"
}

// CheckVersion reports why v cannot name a wheel on the index: it must be
// a PEP 440 version, in normal form (the form in the file name and the
// one `pyupload --version` prints), without a local part.
func CheckVersion(v string) error {
	parsed, err := dist.ParseVersion(v)
	if err != nil {
		return fmt.Errorf("wheel: version %q is not a PEP 440 version (give one such as 1.2.0)", v)
	}
	if parsed.IsLocal() {
		return fmt.Errorf("wheel: version %q has a local part, which the index refuses", v)
	}
	if parsed.String() != v {
		return fmt.Errorf("wheel: version %q is not in normal form; use %q", v, parsed.String())
	}
	return nil
}

// member is one file of the archive.
type member struct {
	name string
	mode fs.FileMode
	data []byte
}

// Write writes the wheel s describes to w.
func Write(w io.Writer, s Spec) error {
	if err := CheckVersion(s.Version); err != nil {
		return err
	}
	if len(s.Binary) == 0 {
		return fmt.Errorf("wheel: no binary for %s", s.Target)
	}
	zw := zip.NewWriter(w)
	for _, m := range members(s) {
		if err := writeMember(zw, m, s.Modified); err != nil {
			return fmt.Errorf("writing %s: %w", m.name, err)
		}
	}
	return zw.Close()
}

// members lists the archive's files in their order: the script, then the
// dist-info files, RECORD last (as PEP 427 advises) and listing the others.
func members(s Spec) []member {
	distInfo := Name + "-" + s.Version + ".dist-info/"
	files := []member{
		{Name + "-" + s.Version + ".data/scripts/" + s.Target.Script(), 0o755, s.Binary},
		{distInfo + "METADATA", 0o644, metadata(s)},
		{distInfo + "WHEEL", 0o644, wheelFile(s)},
	}
	return append(files, member{distInfo + "RECORD", 0o644, record(files, distInfo+"RECORD")})
}

// record is the RECORD file: path, urlsafe-base64 sha256 without padding,
// and size per file, and its own line with both left empty.
func record(files []member, self string) []byte {
	var b strings.Builder
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		fmt.Fprintf(&b, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.data))
	}
	b.WriteString(self + ",,\n")
	return []byte(b.String())
}

func wheelFile(s Spec) []byte {
	var b strings.Builder
	b.WriteString("Wheel-Version: 1.0\nGenerator: pyupload-mkwheel " + s.Version + "\nRoot-Is-Purelib: false\n")
	for _, tag := range s.Target.Tags() {
		b.WriteString("Tag: " + tag + "\n")
	}
	return []byte(b.String())
}

// writeMember writes m deflated, or stored when deflating does not make it
// smaller, through CreateRaw: the header carries the CRC-32 and both
// sizes, so no data descriptor follows the data.
func writeMember(zw *zip.Writer, m member, modified time.Time) error {
	body, method, err := compress(m.data)
	if err != nil {
		return err
	}
	fh := &zip.FileHeader{
		Name:               m.name,
		Method:             method,
		CRC32:              crc32.ChecksumIEEE(m.data),
		CompressedSize64:   uint64(len(body)),
		UncompressedSize64: uint64(len(m.data)),
		ReaderVersion:      20, // 2.0: deflate
	}
	// CreateRaw writes the MS-DOS date and time as they are: unlike
	// CreateHeader, it does not convert Modified (nor add an extra field).
	fh.ModifiedDate, fh.ModifiedTime = msDosTime(modified) //nolint:staticcheck // see above
	fh.SetMode(m.mode)                                     // Unix mode in the external attributes; creator Unix
	fh.CreatorVersion |= 20
	out, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = out.Write(body)
	return err
}

func compress(data []byte) ([]byte, uint16, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, 0, err
	}
	if _, err := fw.Write(data); err != nil {
		return nil, 0, err
	}
	if err := fw.Close(); err != nil {
		return nil, 0, err
	}
	if buf.Len() >= len(data) {
		return data, zip.Store, nil
	}
	return buf.Bytes(), zip.Deflate, nil
}

// msDosTime is t, in UTC, as a ZIP header's date and time (two-second
// steps), clamped to the range a ZIP holds (1980 to 2107).
func msDosTime(t time.Time) (date, clock uint16) {
	t = t.UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9) // #nosec G115 -- in range after clamping
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)     // #nosec G115 -- at most 23<<11
	return date, clock
}

// SourceDate reads a SOURCE_DATE_EPOCH value (seconds since 1970, UTC).
func SourceDate(epoch string) (time.Time, error) {
	secs, err := strconv.ParseInt(strings.TrimSpace(epoch), 10, 64)
	if err != nil || secs < 0 {
		return time.Time{}, fmt.Errorf("wheel: source date epoch %q is not a number of seconds since 1970", epoch)
	}
	return time.Unix(secs, 0).UTC(), nil
}
