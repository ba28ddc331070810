package dist

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
)

// gzMembers reads a gzip stream member by member, as Python's gzip does,
// so that the header of a next member is read only when more bytes are
// asked for, and so that reading can stop at the current member's end
// (its trailer checked).
type gzMembers struct {
	br     *bufio.Reader
	gz     *gzip.Reader
	single bool // stop at the current member's end
}

// errNextMember is a next member's header that does not parse: Python's
// gzip raises BadGzipFile, and the index refuses the upload.
var errNextMember = errors.New("data after a gzip member is not a gzip member")

func newGzMembers(r io.Reader) (*gzMembers, error) {
	br := bufio.NewReader(r)
	gz, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	gz.Multistream(false)
	return &gzMembers{br: br, gz: gz}, nil
}

func (g *gzMembers) Read(p []byte) (int, error) {
	for {
		n, err := g.gz.Read(p)
		if n > 0 && errors.Is(err, io.EOF) && !g.single {
			// The member ended with these bytes; a next member, if any,
			// comes on the next call. Passing the EOF on would end the
			// stream at a member boundary that is not a tar block's
			// (cat a.gz b.gz, bgzip), where Python reads on.
			return n, nil
		}
		if !errors.Is(err, io.EOF) || n > 0 || g.single {
			return n, err
		}
		if _, err := g.br.Peek(1); err != nil {
			return 0, io.EOF
		}
		if err := g.gz.Reset(g.br); err != nil {
			return 0, errNextMember
		}
		g.gz.Multistream(false)
	}
}
