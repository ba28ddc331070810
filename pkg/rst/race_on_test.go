//go:build race

package rst_test

// raceOn: the race detector slows everything about tenfold; timing tests
// scale down.
const raceOn = true
