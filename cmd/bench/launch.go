package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// launchArg makes bench a launcher: `bench -launch -- argv...` runs argv
// and writes what it measured of it to file descriptor 3.
//
// Why a launcher: on Linux a child's peak RSS (ru_maxrss) starts at its
// parent's when it was forked, as exec records the old memory's high-water
// mark, so a client started by the benchmark, which holds tens of MiB,
// reported at least that much whatever it used itself (`pyupload
// --version` measured 30 MiB; it uses 10). The launcher is a fresh small
// process, so the floor it passes on is its own few MiB.
const launchArg = "-launch"

// launchArgs returns the command to launch when args (os.Args) ask for
// the launcher; the pipe runClient passes is file descriptor 3.
func launchArgs(args []string) ([]string, bool) {
	if len(args) > 2 && args[1] == launchArg && args[2] == "--" {
		return args[3:], true
	}
	return nil, false
}

// launchResult is what the launcher writes: the child's wall time from
// its start to its end, its CPU and its peak RSS, and its exit code.
type launchResult struct {
	Wall   time.Duration `json:"wall"`
	CPU    time.Duration `json:"cpu"`
	RSS    int64         `json:"rss"`              // bytes
	Exit   int           `json:"exit"`             // -1: ended by a signal
	Status string        `json:"status"`           // "exit status 1", "signal: killed"
	Failed string        `json:"failed,omitempty"` // could not be started
}

// launch runs argv with the launcher's environment, directory and
// standard streams, writes a launchResult to report, and returns the
// child's exit code.
func launch(argv []string, stdout, stderr io.Writer, report io.Writer) int {
	if len(argv) == 0 {
		_, _ = fmt.Fprintln(stderr, "bench -launch: no command")
		return 2
	}
	// No context: the launcher waits for its child whatever happens to
	// bench, which kills the launcher on an interrupt; on Linux the child
	// is then killed with it (diesWithLauncher).
	cmd := exec.CommandContext(context.Background(), argv[0], argv[1:]...) // #nosec G204 G702 -- the client under test, named by bench itself
	cmd.Stdout, cmd.Stderr = stdout, stderr
	var release func()
	cmd.SysProcAttr, release = diesWithLauncher()
	start := time.Now()
	err := cmd.Run()
	release()
	res := launchResult{Wall: time.Since(start)}
	_, exited := errors.AsType[*exec.ExitError](err)
	switch {
	case err == nil || exited:
		res.Exit, res.Status = cmd.ProcessState.ExitCode(), cmd.ProcessState.String()
		res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		res.RSS = peakRSS(cmd.ProcessState)
	default:
		res.Failed, res.Exit = err.Error(), 127
	}
	if err := json.NewEncoder(report).Encode(res); err != nil {
		_, _ = fmt.Fprintf(stderr, "bench -launch: reporting: %v\n", err)
		return 2
	}
	if res.Exit < 0 {
		return 1
	}
	return res.Exit
}

// reportPipe is the pipe runClient passes as file descriptor 3, kept from
// the launched client: a client that outlived a killed launcher would
// otherwise hold it open, and bench would wait for that client's end.
func reportPipe() *os.File {
	syscall.CloseOnExec(3)
	return os.NewFile(3, "report")
}

// peakRSS is a finished process's peak RSS in bytes.
func peakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	rss := int64(ru.Maxrss)
	if runtime.GOOS == "linux" {
		rss *= 1024 // kilobytes on Linux, bytes on the BSDs and macOS
	}
	return rss
}
