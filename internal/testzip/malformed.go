package testzip

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Case is one malformed archive and the text PyPI answers for it (its
// archive validation message, after "Invalid distribution file. ").
type Case struct {
	Name     string
	Filename string
	Content  []byte
	Want     string
	// PythonOpens says that Python's zipfile opens the archive and reads
	// every member: only Warehouse's own checks refuse it.
	PythonOpens bool
}

const archivesURL = ". See https://docs.pypi.org/archives for more information"

// zipReason is a framing reason as PyPI words it.
func zipReason(r string) string { return "ZIP archive not accepted: " + r + archivesURL }

// base are the members of the wheel m-1.0-py3-none-any.whl, stored.
func base() []RawEntry {
	var out []RawEntry
	for _, m := range WheelMembers("m") {
		out = append(out, RawEntry{Name: m.Name, Data: m.Data})
	}
	return out
}

func payload(edit func(*RawEntry)) RawEntry {
	e := RawEntry{Name: "m/__init__.py", Data: []byte("x = 1\n")}
	if edit != nil {
		edit(&e)
	}
	return e
}

func with(extra ...RawEntry) Raw { return Raw{Entries: append(base(), extra...)} }

func extra(id uint16, data []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, id)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(data))) // #nosec G115 -- test data
	return append(b, data...)
}

func unicodePath(name string) []byte {
	d := append([]byte{1}, binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte(name)))...)
	return extra(0x7075, append(d, name...))
}

// zip64Record is a ZIP64 end record of the given size field, followed by
// as many bytes of extensible data as that size says past 44.
func zip64Record(size int) []byte {
	var b bytes.Buffer
	b.WriteString("PK\x06\x06")
	_ = binary.Write(&b, binary.LittleEndian, uint64(size)) // #nosec G115 -- test data
	b.Write(make([]byte, size))
	return b.Bytes()
}

// ZipCases are malformed wheels, at least one per reason PyPI gives for a
// zip, named m-1.0-py3-none-any.whl, and sound ones around them.
func ZipCases() []Case {
	const fn = "m-1.0-py3-none-any.whl"
	c := func(name string, r Raw, want string, opens bool) Case {
		return Case{Name: name, Filename: fn, Content: r.Bytes(), Want: want, PythonOpens: opens}
	}
	shadow := func(s Shadow) Raw { r := with(payload(nil)); s.Entries = []int{0, 1, 2, 3}; r.Shadow = &s; return r }
	lastOnly := shadow(Shadow{})
	lastOnly.Shadow.Entries = []int{0, 1, 2}
	return []Case{
		c("sound", with(payload(nil)), "", true),
		c("archive comment", Raw{Entries: base(), Comment: "hello"}, "", true),
		c("data descriptor", with(payload(func(e *RawEntry) { e.Flags = 0x08 })), zipReason("ZIP contains a data descriptor"), true),
		c("local compressed size differs", with(payload(func(e *RawEntry) { e.LocalCSize = 7 })), zipReason("Mis-matched data size"), true),
		c("local uncompressed size differs", with(payload(func(e *RawEntry) { e.LocalUSize = 7 })), zipReason("Mis-matched file size"), true),
		c("local name not in the directory", with(payload(func(e *RawEntry) { e.LocalName = "m/__init__.pz" })), zipReason("Filename not in central directory"), false),
		c("directory name without a local header", with(payload(nil), payload(func(e *RawEntry) { e.Name, e.NoLocal = "m/ghost.py", true })), zipReason("Missing filename in local headers"), false),
		c("a second directory names fewer members", lastOnly, zipReason("Mis-matched local headers and central directory"), true),
		c("duplicate name in the directory", with(payload(func(e *RawEntry) { e.TwiceCD = true })), zipReason("Duplicate filename in central directory"), false),
		c("duplicate local header", with(payload(func(e *RawEntry) { e.TwiceLocal = true })), zipReason("Duplicate filename in local headers"), true),
		c("member comment", with(payload(func(e *RawEntry) { e.Comment = "hi" })), zipReason("Comment in central directory"), true),
		c("trailing data", Raw{Entries: append(base(), payload(nil)), Suffix: []byte("trailing")}, zipReason("Trailing data"), true),
		c("end record counts too many records", shadow(Shadow{RecordsDelta: 1}), zipReason("Mismatched central directory records"), true),
		c("end record points elsewhere", shadow(Shadow{OffDelta: 1}), zipReason("Mismatched central directory offset"), true),
		c("end record gives another size", shadow(Shadow{SizeDelta: 1}), zipReason("Mismatched central directory size"), true),
		c("ZIP64 end record with extensible data", Raw{Entries: append(base(), payload(nil)), Between: zip64Record(48)}, zipReason("ZIP64 extensible data not allowed"), true),
		c("ZIP64 extra of a bad length", with(payload(func(e *RawEntry) { e.LocalExtra = extra(1, make([]byte, 4)) })), zipReason("Malformed zip file"), true),
		c("truncated extra field", with(payload(func(e *RawEntry) { e.LocalExtra = []byte{1, 2, 3} })), zipReason("Malformed zip file"), true),
		c("unknown record", Raw{Entries: append(base(), payload(nil)), Between: []byte("PK\x07\x08junk")}, zipReason("Unknown record signature"), true),
		c("control character in a name", with(payload(func(e *RawEntry) { e.Name = "m/a\tb.py" })), zipReason("Invalid character in filename"), true),
		c("DEL in a name", with(payload(func(e *RawEntry) { e.Name = "m/a\x7fb.py" })), zipReason("Invalid character in filename"), true),
		c("space in a name", with(payload(func(e *RawEntry) { e.Name = "m/a b.py" })), "", true), // only bytes below 0x20 and 0x7f are refused
		c("Unicode path extra not UTF-8", with(payload(func(e *RawEntry) { e.LocalExtra = unicodePath("m/\xff.py") })), zipReason("Filename not valid UTF-8"), true),
		c("Unicode path extra with a control character", with(payload(func(e *RawEntry) { e.LocalExtra = unicodePath("m/\x01.py") })), zipReason("Invalid character in filename"), true),
		c("name not UTF-8", with(payload(func(e *RawEntry) { e.Name = "m/\xff.py" })), zipReason("Filename not unicode"), true),
		c("UTF-8 name without the UTF-8 flag", with(payload(func(e *RawEntry) { e.Name = "m/é.py" })), zipReason("Filename not in central directory"), true),
		c("UTF-8 name with the UTF-8 flag", with(payload(func(e *RawEntry) { e.Name, e.Flags = "m/é.py", 0x800 })), "", true),
		c("duplicate Unicode path extra", with(payload(func(e *RawEntry) {
			e.LocalExtra = append(unicodePath("m/__init__.py"), unicodePath("m/__init__.py")...)
		})), zipReason("Invalid duplicate extra in local file"), true),
		c("duplicate ZIP64 extra", with(payload(func(e *RawEntry) { e.LocalExtra = append(extra(1, nil), extra(1, nil)...) })), zipReason("Invalid duplicate extra in local file"), true),
		c("duplicate other extra", with(payload(func(e *RawEntry) { e.LocalExtra = append(extra(0x5455, []byte{0}), extra(0x5455, []byte{0})...) })), "", true),
		c("a size no seek can reach", with(payload(func(e *RawEntry) {
			huge := binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, uint64(len(e.Data))), 1<<63)
			e.LocalCSize, e.CDCSize = 0xffffffff, 0xffffffff
			e.LocalExtra, e.CDExtra = extra(1, huge), extra(1, huge[8:])
		})), zipReason("Negative offset"), false),
		c("bzip2 member", with(payload(func(e *RawEntry) { e.Method = 12 })), "File does not use a supported compression type", false),
		c("no WHEEL", Raw{Entries: []RawEntry{base()[0], base()[2], payload(nil)}}, "WHEEL not found at m-1.0.dist-info/WHEEL", true),
		c("WHEEL with a bad CRC-32", Raw{Entries: []RawEntry{base()[0], wheelBadCRC(), base()[2]}}, "None", false),
		c("a directory entry pointing into WHEEL's data (overlap)", overlapped(), "None", false),
		c("a tar block before the zip", Raw{Entries: append(base(), payload(nil)), Prefix: make([]byte, 512)}, "File is both a zip and a tar file", true),
		{Name: "not a zip", Filename: fn, Content: []byte("not a zip at all"), Want: "File is not a zipfile"},
		// Combinations: the first reason in PyPI's order wins.
		c("data descriptor and member comment", with(payload(func(e *RawEntry) { e.Flags, e.Comment = 0x08, "hi" })), zipReason("ZIP contains a data descriptor"), true),
		c("bzip2 and trailing data", Raw{Entries: append(base(), payload(func(e *RawEntry) { e.Method = 12 })), Suffix: []byte("x")}, "File does not use a supported compression type", false),
		c("no WHEEL and a data descriptor", Raw{Entries: []RawEntry{base()[0], base()[2], payload(func(e *RawEntry) { e.Flags = 0x08 })}}, "WHEEL not found at m-1.0.dist-info/WHEEL", true),
	}
}

// overlapped hides a copy of the payload's local header in WHEEL's data
// and points the payload's central record at it: the record walk sees
// every name once, but zipfile finds WHEEL's data running into the next
// member the directory knows ("Overlapped entries").
func overlapped() Raw {
	var inner bytes.Buffer
	writeLocal(&inner, payload(nil))
	entries := base()
	entries[1].Data = append(inner.Bytes(), entries[1].Data...)
	r := with(payload(nil))
	r.Entries = append(entries, payload(nil))
	b := r.Bytes()
	first, last := bytes.Index(b, inner.Bytes()), bytes.LastIndex(b, inner.Bytes())
	r.Entries[3].CDOffsetDelta = first - last
	return r
}

func wheelBadCRC() RawEntry {
	e := base()[1]
	e.CRCDelta = 1
	return e
}
