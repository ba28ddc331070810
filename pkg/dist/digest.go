package dist

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sync"

	"golang.org/x/crypto/blake2b"

	"github.com/pyupload/pyupload/internal/twohash"
)

// Digests are a file's size and the two digests the index checks.
type Digests struct {
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`      // lowercase hex
	Blake2b256 string `json:"blake2b_256"` // lowercase hex
}

const (
	digestChunk   = 256 << 10 // amortises the hand-offs; four stay in a core's L2 cache
	digestBuffers = 4         // in flight between the stages
)

// digestPool keeps the buffers between files: allocating and zeroing 1 MiB
// for every file cost more than hashing a small one, and the garbage of a
// batch checked at once swelled the run's memory.
var digestPool = sync.Pool{New: func() any { b := make([]byte, digestChunk); return &b }}

// Digest reads r to the end once and returns its size, sha256 and
// blake2b-256. Two goroutines share the work over the very same buffers,
// and the data is never copied twice. Where twohash has an interleaved
// kernel, one reads and the other (the caller's) hashes with both at once,
// which costs less CPU than the libraries one after the other (with
// AVX-512, less than BLAKE2b alone). Elsewhere the
// reader also hashes with sha256 and the caller with blake2b, so on two
// cores the pass takes about as long as blake2b alone (reading and sha256
// together cost about what blake2b does). The worker is started and
// joined within the call.
func Digest(r io.Reader) (Digests, error) {
	d, err, _ := digestAndScan(r, nil)
	return d, err
}

// digestAndScan is Digest with a third consumer of the same buffers: scan
// (when not nil) reads the bytes in order on its own goroutine, and
// scanErr is its answer. A buffer goes from the reader (which may hash it
// too) to the hashing stage, then to scan, then back to the pool, so none
// is refilled while a consumer still reads it, and each stage works on
// its own buffer while the others work on theirs. scan may stop early:
// the rest is drained for it, so the reader never waits on it. On a read
// error every goroutine still ends before the call returns.
func digestAndScan(r io.Reader, scan func(io.Reader) error) (d Digests, readErr, scanErr error) {
	if pair, ok := twohash.New(); ok {
		return digestWith(pairStages(pair), r, scan)
	}
	return digestWith(splitStages(), r, scan)
}

// digestWith is digestAndScan with the hashing split as stages says.
func digestWith(stages digestStages, r io.Reader, scan func(io.Reader) error) (d Digests, readErr, scanErr error) {
	free := make(chan []byte, digestBuffers)
	for range digestBuffers {
		free <- *digestPool.Get().(*[]byte)
	}
	defer func() {
		// Every buffer is back in free once the stages are done.
		for range digestBuffers {
			b := <-free
			digestPool.Put(&b)
		}
	}()
	read := make(chan []byte, digestBuffers)
	var size int64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		size, readErr = readAndHash(r, stages.reading, free, read)
	}()
	var toScan chan []byte
	var scanDone chan struct{}
	if scan != nil {
		toScan = make(chan []byte, digestBuffers)
		scanDone = make(chan struct{})
		go func() {
			defer close(scanDone)
			scanErr = runScan(scan, &chanReader{in: toScan, free: free})
		}()
	}
	hashStage(stages.hashing, read, free, toScan)
	<-readDone
	if scanDone != nil {
		<-scanDone
	}
	if readErr != nil {
		return Digests{}, readErr, nil
	}
	sha, blake := stages.sums()
	return Digests{
		Size:       size,
		SHA256:     hex.EncodeToString(sha),
		Blake2b256: hex.EncodeToString(blake),
	}, nil, scanErr
}

// digestStages is who hashes what: the reader's goroutine (reading, when
// not nil) and the hashing stage.
type digestStages struct {
	reading, hashing func([]byte)
	sums             func() (sha, blake []byte)
}

// pairStages has the hashing stage do both digests with a twohash kernel.
func pairStages(pair *twohash.Hasher) digestStages {
	return digestStages{hashing: pair.Add, sums: func() ([]byte, []byte) {
		sha, blake := pair.Sums()
		return sha[:], blake[:]
	}}
}

// splitStages has the reader hash sha256 and the hashing stage blake2b,
// with the libraries.
func splitStages() digestStages {
	sha := sha256.New()
	blake, _ := blake2b.New256(nil) // only fails for a key longer than 64 bytes
	return digestStages{reading: func(p []byte) { sha.Write(p) }, hashing: func(p []byte) { blake.Write(p) }, sums: func() ([]byte, []byte) {
		return sha.Sum(nil), blake.Sum(nil)
	}}
}

// readAndHash reads r into buffers from free, hashes each with hash (when
// not nil) and hands it to out, in order, until the end of r; then it
// closes out.
func readAndHash(r io.Reader, hash func([]byte), free chan []byte, out chan<- []byte) (size int64, err error) {
	defer close(out)
	for {
		buf := <-free
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			size += int64(n)
			if hash != nil {
				hash(buf[:n])
			}
			out <- buf[:n]
		} else {
			free <- buf // not handed on; free has room, as buf came from it
		}
		if rerr == io.EOF || errors.Is(rerr, io.ErrUnexpectedEOF) {
			return size, nil
		}
		if rerr != nil {
			return size, rerr
		}
	}
}

// runScan runs scan, then drains what it left, so the buffers keep
// flowing back to the reader.
func runScan(scan func(io.Reader) error, cr *chanReader) error {
	err := scan(cr)
	cr.drain()
	return err
}

// hashStage hashes each buffer from in and hands it on: to next when
// there is one (and closes next at the end), else back to free. No buffer
// is refilled while a hash still reads it: a buffer reaches free only
// after every stage.
func hashStage(hash func([]byte), in <-chan []byte, free, next chan<- []byte) {
	if next != nil {
		defer close(next)
	}
	for buf := range in {
		hash(buf)
		if next != nil {
			next <- buf
		} else {
			free <- buf[:cap(buf)]
		}
	}
}

// chanReader reads the buffers the hash worker hands on, in order, and
// returns each to free once it has been read to its end.
type chanReader struct {
	in   <-chan []byte
	free chan<- []byte
	cur  []byte // what is left of the buffer being read
	held []byte // that buffer, whole, to return
}

func (c *chanReader) Read(p []byte) (int, error) {
	for len(c.cur) == 0 {
		c.release()
		buf, ok := <-c.in
		if !ok {
			return 0, io.EOF
		}
		c.cur, c.held = buf, buf
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

// chunk returns up to n bytes of the current buffer without copying them;
// they stay valid until the next call. It is how the scanner skips a
// member's data.
func (c *chanReader) chunk(n int64) ([]byte, error) {
	for len(c.cur) == 0 {
		c.release()
		buf, ok := <-c.in
		if !ok {
			return nil, io.EOF
		}
		c.cur, c.held = buf, buf
	}
	b := c.cur[:min(n, int64(len(c.cur)))]
	c.cur = c.cur[len(b):]
	return b, nil
}

func (c *chanReader) release() {
	if c.held != nil {
		c.free <- c.held[:cap(c.held)]
		c.held, c.cur = nil, nil
	}
}

// drain hands back every buffer still to come.
func (c *chanReader) drain() {
	c.release()
	for buf := range c.in {
		c.free <- buf[:cap(buf)]
	}
}
