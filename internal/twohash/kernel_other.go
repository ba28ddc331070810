//go:build !amd64 || !gc || purego

package twohash

type kernelConstants struct{}

var constants kernelConstants

// kernels is empty: the kernels are for x86-64 only.
var kernels []kernel
