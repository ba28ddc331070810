//go:build !race

package rst_test

const raceOn = false
