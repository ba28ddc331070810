module github.com/pyupload/pyupload

go 1.26.8

require (
	github.com/godbus/dbus/v5 v5.2.2
	github.com/google/go-cmp v0.7.0
	github.com/urfave/cli/v3 v3.14.0
	golang.org/x/crypto v0.58.0
	golang.org/x/net v0.62.0
	golang.org/x/sync v0.24.0
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
)

require (
	github.com/sigstore/sigstore-go v1.3.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
