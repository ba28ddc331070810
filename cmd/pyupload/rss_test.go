package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// runMeasuringRSS runs cmd to its end and returns the process's peak
// resident memory in MiB, read from /proc/PID/status (VmHWM) while it
// runs. The rusage of the child is no measure here: Go starts children
// with vfork, and Linux carries the parent's (the whole test binary's)
// high-water mark into the child's ru_maxrss at exec.
func runMeasuringRSS(cmd *exec.Cmd) (float64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var peakKiB int64
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if peakKiB == 0 {
				return 0, fmt.Errorf("no VmHWM read from %s (is this Linux?): %w", status, err)
			}
			return float64(peakKiB) / 1024, err
		case <-tick.C:
			peakKiB = max(peakKiB, vmHWM(status))
		}
	}
}

// vmHWM reads the VmHWM line of a /proc status file, in KiB; 0 when the
// process is gone or the line is missing.
func vmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
