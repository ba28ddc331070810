package tuf_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// Fetching Sigstore's current trusted root from its production TUF
// repository, starting from the root shipped in the binary. (Not run by
// the tests: it needs the network.)
func ExampleClient_Target() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := tuf.New(&http.Client{Timeout: time.Minute}, tuf.Production())
	if err != nil {
		fmt.Println(err)
		return
	}
	trustedRoot, err := c.Target(ctx, tuf.TrustedRootTarget)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes of verified trusted_root.json\n", len(trustedRoot))
}
