package testzip

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// RawEntry is one member of a Raw archive, written byte by byte so that
// the local header and the central directory can disagree.
type RawEntry struct {
	Name       string
	LocalName  string // the local header's name when not Name
	Flags      uint16 // in both headers
	Method     uint16
	Data       []byte // written as they are (stored content)
	LocalExtra []byte
	CDExtra    []byte
	Comment    string // the central record's comment
	LocalCSize int64  // when not 0, the local header's compressed size
	LocalUSize int64  // when not 0, the local header's uncompressed size
	CDCSize    int64  // when not 0, the central record's compressed size
	CRCDelta   uint32 // added to the CRC-32 in both headers
	NoLocal    bool   // only in the central directory (pointing at offset 0)
	NoCD       bool   // only a local header
	TwiceLocal bool   // the local header and data written twice
	TwiceCD    bool   // the central record written twice
	// CDOffsetDelta is added to the local-header offset the central
	// record gives.
	CDOffsetDelta int
}

// Raw is a zip archive written by hand: Prefix, the local headers,
// Between, a Shadow directory with its own end record, the central
// directory, Before (between the directory and the end record), the end
// record, then Suffix.
type Raw struct {
	Entries []RawEntry
	Prefix  []byte
	Between []byte
	Before  []byte
	Suffix  []byte
	Comment string
	// Shadow, when set, writes a first directory of the entries it
	// lists, with an end record whose fields are off by the deltas; the
	// real directory and end record follow it.
	Shadow *Shadow
}

// Shadow is a first central directory and end record.
type Shadow struct {
	Entries                           []int
	RecordsDelta, SizeDelta, OffDelta int
}

// Bytes writes the archive.
func (a Raw) Bytes() []byte {
	var b bytes.Buffer
	b.Write(a.Prefix)
	offsets := make([]int, len(a.Entries))
	for i, e := range a.Entries {
		offsets[i] = b.Len()
		if e.NoLocal {
			offsets[i] = len(a.Prefix)
			continue
		}
		for range 1 + boolInt(e.TwiceLocal) {
			writeLocal(&b, e)
		}
	}
	b.Write(a.Between)
	if a.Shadow != nil {
		start := b.Len()
		for _, i := range a.Shadow.Entries {
			writeCentral(&b, a.Entries[i], offsets[i])
		}
		writeEnd(&b, len(a.Shadow.Entries)+a.Shadow.RecordsDelta, b.Len()-start+a.Shadow.SizeDelta, start+a.Shadow.OffDelta, "")
	}
	start, n := b.Len(), 0
	for i, e := range a.Entries {
		if e.NoCD {
			continue
		}
		for range 1 + boolInt(e.TwiceCD) {
			writeCentral(&b, e, offsets[i]+e.CDOffsetDelta)
			n++
		}
	}
	size := b.Len() - start
	b.Write(a.Before)
	writeEnd(&b, n, size, start, a.Comment)
	b.Write(a.Suffix)
	return b.Bytes()
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

func u16(b *bytes.Buffer, v int) { _ = binary.Write(b, binary.LittleEndian, uint16(v)) } // #nosec G115 -- test data
func u32(b *bytes.Buffer, v int) { _ = binary.Write(b, binary.LittleEndian, uint32(v)) } // #nosec G115 -- test data

func writeLocal(b *bytes.Buffer, e RawEntry) {
	name := e.Name
	if e.LocalName != "" {
		name = e.LocalName
	}
	csize, usize := len(e.Data), len(e.Data)
	if e.LocalCSize != 0 {
		csize = int(e.LocalCSize)
	}
	if e.LocalUSize != 0 {
		usize = int(e.LocalUSize)
	}
	b.WriteString("PK\x03\x04")
	u16(b, 20)
	u16(b, int(e.Flags))
	u16(b, int(e.Method))
	u32(b, 0) // time and date
	u32(b, int(crc32.ChecksumIEEE(e.Data)+e.CRCDelta))
	u32(b, csize)
	u32(b, usize)
	u16(b, len(name))
	u16(b, len(e.LocalExtra))
	b.WriteString(name)
	b.Write(e.LocalExtra)
	b.Write(e.Data)
}

func writeCentral(b *bytes.Buffer, e RawEntry, offset int) {
	b.WriteString("PK\x01\x02")
	u16(b, 0x031e)
	u16(b, 20)
	u16(b, int(e.Flags))
	u16(b, int(e.Method))
	u32(b, 0)
	u32(b, int(crc32.ChecksumIEEE(e.Data)+e.CRCDelta))
	csize := len(e.Data)
	if e.CDCSize != 0 {
		csize = int(e.CDCSize)
	}
	u32(b, csize)
	u32(b, len(e.Data))
	u16(b, len(e.Name))
	u16(b, len(e.CDExtra))
	u16(b, len(e.Comment))
	u16(b, 0) // disk
	u16(b, 0) // internal attributes
	// external attributes: a regular file, rw-r--r-- (typed, for 32-bit int)
	_ = binary.Write(b, binary.LittleEndian, uint32(0o100644<<16))
	u32(b, offset)
	b.WriteString(e.Name)
	b.Write(e.CDExtra)
	b.WriteString(e.Comment)
}

func writeEnd(b *bytes.Buffer, records, size, offset int, comment string) {
	b.WriteString("PK\x05\x06")
	u32(b, 0)
	u16(b, records)
	u16(b, records)
	u32(b, size)
	u32(b, offset)
	u16(b, len(comment))
	b.WriteString(comment)
}
