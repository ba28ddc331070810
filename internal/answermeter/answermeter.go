// Package answermeter counts what a test server's misbehaving answers did
// (begun, still open, body bytes written), so a test can tell that a
// client stopped reading an endless or dripped answer, or gave up on a
// hang. The test index and the CI fakes share it; only tests and the fakes
// import it.
package answermeter

import (
	"context"
	"sync/atomic"
	"time"
)

// Stats are a meter's counts.
type Stats struct {
	// Answers is how many answers have begun.
	Answers int
	// Open is how many of them are still being written or held: an
	// endless body, a drip or a hang ends only when the client goes away
	// (or the server closes).
	Open int
	// Bytes is the body bytes written so far, all answers together; for
	// an endless body it stops growing when the client stops reading,
	// give or take the connection's buffers (a few hundred KiB on
	// loopback).
	Bytes int64
}

// Meter counts one kind of answer. The zero value is ready; it is safe for
// concurrent use.
type Meter struct {
	answers, open, bytes atomic.Int64
}

// Count counts an answer that is over as soon as it is given.
func (m *Meter) Count() { m.answers.Add(1) }

// Begin counts an answer that stays open until the returned func is
// called.
func (m *Meter) Begin() (end func()) {
	m.answers.Add(1)
	m.open.Add(1)
	return func() { m.open.Add(-1) }
}

// Wrote counts n body bytes written.
func (m *Meter) Wrote(n int) { m.bytes.Add(int64(n)) }

// Stats returns the counts so far; a nil meter has none.
func (m *Meter) Stats() Stats {
	if m == nil {
		return Stats{}
	}
	return Stats{Answers: int(m.answers.Load()), Open: int(m.open.Load()), Bytes: m.bytes.Load()}
}

// WaitDone waits until stats shows at least one answer begun and none
// open any more, that is until the client went away, and returns the
// counts then; or ctx's error, with the counts so far.
func WaitDone(ctx context.Context, stats func() Stats) (Stats, error) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		s := stats()
		if s.Answers > 0 && s.Open == 0 {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-t.C:
		}
	}
}
