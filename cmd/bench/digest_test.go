package main

import (
	"testing"
)

const digestOutput = `goos: linux
goarch: amd64
pkg: github.com/pyupload/pyupload/pkg/dist
cpu: Intel(R) Xeon(R) Processor
BenchmarkDigest/digest-only/one-pass-size+sha256+blake2b-256-2         	       5	 512345678 ns/op	 523.94 MB/s	   12345 B/op	      12 allocs/op
BenchmarkDigest/wheel/blake2b-256-alone-2                              	       5	 412345678 ns/op	 650.94 MB/s
BenchmarkDigest/wheel/ratio-2                                          	       5	 912345678 ns/op	        93.41 pct-of-blake2b
BenchmarkDigest/sdist/ratio-2                                          	       5	 112345678 ns/op	        88.0 pct-of-blake2b
PASS
ok  	github.com/pyupload/pyupload/pkg/dist	25.1s
`

func TestParseDigest(t *testing.T) {
	t.Parallel()
	figs, err := parseDigest(digestOutput)
	if err != nil {
		t.Fatal(err)
	}
	want := []digestFigure{{"wheel", 93.41}, {"sdist", 88}}
	if len(figs) != len(want) {
		t.Fatalf("figures %v, want %v", figs, want)
	}
	for i := range want {
		if figs[i] != want[i] {
			t.Errorf("figure %d = %v, want %v", i, figs[i], want[i])
		}
	}
	for _, bad := range []string{"", "PASS\n", "BenchmarkDigest/wheel/ratio-2 5 1 ns/op x pct-of-blake2b\n"} {
		if figs, err := parseDigest(bad); err == nil {
			t.Errorf("parseDigest(%q) = %v, want an error", bad, figs)
		}
	}
}

func FuzzParseDigest(f *testing.F) {
	f.Add(digestOutput)
	f.Add("BenchmarkDigest/a/ratio 1 2 pct-of-blake2b")
	f.Fuzz(func(t *testing.T, out string) {
		figs, err := parseDigest(out)
		if err == nil && len(figs) == 0 {
			t.Fatal("no error and no figure")
		}
		for _, fg := range figs {
			if fg.kind == "" || fg.pct < 0 {
				t.Fatalf("figure %+v", fg)
			}
		}
	})
}

func TestParseStats(t *testing.T) {
	t.Parallel()
	st, err := parseStats("00:00:01.000 POST /legacy/ 200\nfakeindex: bench stats {\"uploads\":3,\"bytes\":10,\"connections\":2,\"full_handshakes\":1,\"resumed_handshakes\":1}\nfakeindex: stopped\n")
	if err != nil {
		t.Fatal(err)
	}
	if st.Uploads != 3 || st.Bytes != 10 || st.Connections != 2 || st.FullHandshakes != 1 || st.ResumedHandshakes != 1 {
		t.Fatalf("stats %+v", st)
	}
	for _, bad := range []string{"", "fakeindex: bench stats {", "fakeindex: stopped\n"} {
		if _, err := parseStats(bad); err == nil {
			t.Errorf("parseStats(%q): no error", bad)
		}
	}
}
