package dist

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// Digests are a file's size and the two digests the index checks.
type Digests struct {
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`      // lowercase hex
	Blake2b256 string `json:"blake2b_256"` // lowercase hex
}

const (
	digestChunk   = 1 << 20 // large enough to amortise the channel hand-off
	digestBuffers = 4       // in flight between reader and sha256 worker
)

// digestPool keeps the buffers between files: allocating and zeroing 4 MiB
// for every file cost more than hashing a small one, and the garbage of a
// batch checked at once swelled the run's memory.
var digestPool = sync.Pool{New: func() any { b := make([]byte, digestChunk); return &b }}

// Digest reads r to the end once and returns its size, sha256 and
// blake2b-256. The two hashes run side by side: blake2b on the calling
// goroutine and sha256 on a worker that reads the very same buffers, so on
// two cores the pass costs about as much as blake2b alone and the data is
// never copied. The worker is started and joined within the call.
func Digest(r io.Reader) (Digests, error) {
	sha := sha256.New()
	blake, _ := blake2b.New256(nil) // only fails for a key longer than 64 bytes

	free := make(chan []byte, digestBuffers)
	for range digestBuffers {
		free <- *digestPool.Get().(*[]byte)
	}
	defer func() {
		// Every buffer is back in free once the worker is done.
		for range digestBuffers {
			b := <-free
			digestPool.Put(&b)
		}
	}()
	full := make(chan []byte, digestBuffers)
	done := make(chan struct{})
	go hashWorker(sha, full, free, done)

	var size int64
	var readErr error
	for {
		buf := <-free
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			size += int64(n)
			full <- buf[:n] // the worker hashes it while we do too
			blake.Write(buf[:n])
		} else {
			free <- buf
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			readErr = err
			break
		}
	}
	close(full)
	<-done
	if readErr != nil {
		return Digests{}, readErr
	}
	return Digests{
		Size:       size,
		SHA256:     hex.EncodeToString(sha.Sum(nil)),
		Blake2b256: hex.EncodeToString(blake.Sum(nil)),
	}, nil
}

// hashWorker hashes each buffer and hands it back. No buffer is refilled
// while a hash still reads it: the worker returns a buffer only after
// hashing it, and the reader finishes blake2b on a buffer before it takes
// its next one from free.
func hashWorker(h hash.Hash, full <-chan []byte, free chan<- []byte, done chan<- struct{}) {
	defer close(done)
	for buf := range full {
		h.Write(buf)
		free <- buf[:cap(buf)]
	}
}
