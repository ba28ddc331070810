package answermeter

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestMeter: answers, open answers and bytes are counted, and WaitDone
// returns once every begun answer has ended, or with ctx's error.
func TestMeter(t *testing.T) {
	var m Meter
	m.Count()
	end := m.Begin()
	m.Wrote(10)
	if got := m.Stats(); got != (Stats{Answers: 2, Open: 1, Bytes: 10}) {
		t.Errorf("Stats() = %+v", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := WaitDone(ctx, m.Stats); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitDone with an answer open = %v, want the deadline", err)
	}
	end()
	if s, err := WaitDone(t.Context(), m.Stats); err != nil || s.Open != 0 {
		t.Errorf("WaitDone = %+v, %v", s, err)
	}
	if (*Meter)(nil).Stats() != (Stats{}) {
		t.Error("a nil meter has counts")
	}
}
