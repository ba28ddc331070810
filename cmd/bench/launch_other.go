//go:build !linux

package main

import "syscall"

// diesWithLauncher: only Linux has a parent-death signal; elsewhere a
// client outlives a killed launcher and runs on to its end.
func diesWithLauncher() (attr *syscall.SysProcAttr, release func()) { return nil, func() {} }
