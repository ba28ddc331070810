//go:build !amd64 || purego

package twohash

const haveKernel = false

type kernelConstants struct{}

var constants kernelConstants

func blocks(*kernelState, *byte, int, *kernelConstants) {
	panic("twohash: no kernel on this machine")
}
