//go:build !unix

package localfile

import "os"

// noWait is empty where opening a file never waits for a writer.
const noWait = 0

func blocking(*os.File) error { return nil }
